#!/usr/bin/env bash
# Benchmark: builds the same corpus with samplan and with Hugo (--enableGitInfo) and prints wall
# time, CPU time and peak memory, the median of RUNS runs each, and the ratio samplan / Hugo.
#   bash bench/run.sh [ACTIVITIES] [COMMITS]      (default 1000 activities, 2000 commits)
# Needs Debian's hugo and time packages; builds samplan first if needed. Search indexing is
# left out of samplan's figures (Pagefind is a separate program that Hugo sites also run).
set -euo pipefail
cd "$(dirname "$0")/.."
activities="${1:-1000}"
commits="${2:-2000}"
runs="${RUNS:-3}"
command -v hugo >/dev/null && [ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo time >/dev/null
[ -x build/samplan ] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && cmake --build build -j2 >/dev/null; }
samplan="$(pwd)/build/samplan"

corpus="$(pwd)/bench/corpus/a${activities}-c${commits}"
if [ ! -d "$corpus/content" ]; then
  echo "bench: generating $corpus"
  python3 bench/make_corpus.py "$corpus" --activities "$activities" --commits "$commits" --seed 1
  sleep 3  # files written in the last two seconds are never trusted to be unchanged (docs/publishing.md)
fi
cp bench/hugo/hugo.toml "$corpus/hugo.toml"
rm -rf "$corpus/layouts" && cp -r bench/hugo/layouts "$corpus/layouts"

# measure NAME COMMAND…: prints "wall cpu peak_kib" medians over $runs runs. "{out}" in the
# command is replaced by the output folder: a new one for every full build (nothing is deleted
# between runs; see below), all removed at the end.
measure() {
  local name="$1"; shift
  local results=() run=0
  for _ in $(seq "$runs"); do
    run=$((run + 1))
    local out="$name-$run"
    [ "$name" = "samplan-rebuild" ] && out="samplan-1"
    local args=("${@//\{out\}/$out}")
    /usr/bin/time -f "%e %U %S %M" -o "$corpus/time.txt" "${args[@]}" >/dev/null 2>&1
    results+=("$(awk '{printf "%.3f %.3f %d\n", $1, $2 + $3, $4}' "$corpus/time.txt")")
  done
  printf '%s\n' "${results[@]}" | sort -n | awk -v n="$runs" -v name="$name" 'NR == int((n + 1) / 2) {printf "%-16s wall %8.3f s   cpu %8.3f s   peak %8.1f MiB\n", name, $1, $2, $3 / 1024}'
}

echo "bench: $activities activities, $commits commits, median of $runs runs, $(nproc) cores"
# ext4 passes over inodes deleted in the last half minute when it makes new ones: after deleting
# an earlier run's output, wait, so that no tool pays for it.
# Outputs stay until the next run of the script (for any corpus) removes them here.
removed=0
for previous in bench/corpus/*/out; do
  if [ -e "$previous" ]; then rm -rf "$previous"; removed=1; fi
done
if [ "$removed" = 1 ]; then echo "bench: waiting 40 s after removing the previous outputs"; sleep 40; fi
s=$(cd "$corpus" && measure samplan "$samplan" build --content content --output out/{out} --quiet --today 2026-01-01)
echo "$s"
r=$(cd "$corpus" && measure samplan-rebuild "$samplan" build --content content --output out/{out} --quiet --today 2026-01-01)
echo "$r"
h=$(cd "$corpus" && measure hugo hugo --quiet --enableGitInfo --destination out/{out})
echo "$h"
sw=$(echo "$s" | awk '{print $3}'); hw=$(echo "$h" | awk '{print $3}'); rw=$(echo "$r" | awk '{print $3}')
awk -v s="$sw" -v h="$hw" -v r="$rw" 'BEGIN {printf "ratio samplan / hugo (wall): %.2f; no-change rebuild / full build: %.2f\n", s / h, r / s}'
echo "bench: outputs in $corpus/out (removed by the next run)"

#!/usr/bin/env bash
# Benchmark: builds the same corpus with samplan and with Hugo (--enableGitInfo) and prints wall
# time, CPU time and peak memory, the median of RUNS runs each, and the ratio samplan / Hugo.
#   bash bench/run.sh [ACTIVITIES] [COMMITS]      (default 1000 activities, 2000 commits)
# Needs Debian's hugo and time packages; builds samplan first if needed. Search indexing is
# left out of samplan's figures (Pagefind is a separate program that Hugo sites also run); bench/deep.sh
# measures it, on the deep-history corpus.
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

# once NAME OUT COMMAND…: runs COMMAND once in the corpus folder with "{out}" replaced by OUT and
# appends "wall cpu peak_kib" to $corpus/NAME.times.
once() {
  local name="$1" out="$2"; shift 2
  local args=("${@//\{out\}/$out}")
  (cd "$corpus" && /usr/bin/time -f "%e %U %S %M" -o time.txt "${args[@]}" >/dev/null 2>&1)
  awk '{printf "%.3f %.3f %d\n", $1, $2 + $3, $4}' "$corpus/time.txt" >> "$corpus/$name.times"
}
# median NAME: the median run of NAME, as a line.
median() {
  sort -n "$corpus/$1.times" | awk -v n="$runs" -v name="$1" 'NR == int((n + 1) / 2) {printf "%-16s wall %8.3f s   cpu %8.3f s   peak %8.1f MiB\n", name, $1, $2, $3 / 1024}'
}

echo "bench: $activities activities, $commits commits, median of $runs runs, $(nproc) cores"
# Where the outputs go. A file system on which many files were deleted makes new ones slowly for
# a while (ext4 looks at each recently freed inode), which would weigh on whichever tool runs
# first: so the outputs go to a newly made ext4 file system (a loop device, removed at the end)
# when this machine allows it; else into the corpus folder, where they stay until the next run
# removes them and waits.
fresh="$(pwd)/bench/corpus/fresh-fs"
if mountpoint -q "$fresh" 2>/dev/null; then umount "$fresh"; fi
rm -f "$fresh.img"
removed=0
for previous in bench/corpus/*/out; do
  if [ -L "$previous" ]; then rm -f "$previous"; elif [ -e "$previous" ]; then rm -rf "$previous"; removed=1; fi
done
if [ "${BENCH_FRESH_FS:-1}" = 1 ] && mkdir -p "$fresh" && truncate -s 16G "$fresh.img" &&
   mkfs.ext4 -q -F "$fresh.img" >/dev/null 2>&1 && mount -o loop "$fresh.img" "$fresh" 2>/dev/null; then
  trap 'cd "$(dirname "$fresh")" && umount "$fresh" && rm -f "$fresh.img" "$corpus/out"' EXIT
  ln -sfn "$fresh" "$corpus/out"
  echo "bench: outputs on a new ext4 file system (a loop device, removed at the end)"
else
  rm -f "$fresh.img"
  if [ "$removed" = 1 ]; then echo "bench: waiting 40 s after removing the previous outputs"; sleep 40; fi
fi
rm -f "$corpus"/*.times
# The two generators take turns, each full build into a new folder (nothing is deleted between
# runs), so that whatever the file system goes through affects both alike.
samplan_build=("$samplan" build --content content --output "out/{out}" --quiet --today 2026-01-01)
for run in $(seq "$runs"); do
  once samplan "samplan-$run" "${samplan_build[@]}"
  once hugo "hugo-$run" hugo --quiet --enableGitInfo --destination "out/{out}"
done
for run in $(seq "$runs"); do once samplan-rebuild samplan-1 "${samplan_build[@]}"; done
s=$(median samplan); r=$(median samplan-rebuild); h=$(median hugo)
printf '%s\n%s\n%s\n' "$s" "$r" "$h"
sw=$(echo "$s" | awk '{print $3}'); hw=$(echo "$h" | awk '{print $3}'); rw=$(echo "$r" | awk '{print $3}')
awk -v s="$sw" -v h="$hw" -v r="$rw" 'BEGIN {printf "ratio samplan / hugo (wall): %.2f; no-change rebuild / full build: %.2f\n", s / h, r / s}'

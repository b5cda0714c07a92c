#!/usr/bin/env bash
# Deep-history benchmark (docs/performance.md, "Deep history"): ACTIVITIES activities (default
# 1,000, in groups of 20) whose COMMITS commits each change 1 to 6 of them (bench/make_corpus.py
# --shape deep), search included.
#   bash bench/deep.sh full [COMMITS…]     end to end, for each COMMITS (default 200 1000 2000 5000
#                                          10000: the growth curve): samplan build (which runs
#                                          Pagefind itself) against hugo --enableGitInfo followed by
#                                          pagefind over Hugo's output, taking turns, and the floor
#   bash bench/deep.sh rebuild [COMMITS…]  after a full build (default 2000 commits): a one-line
#                                          edit of one activity, samplan build into the same output;
#                                          then the edit committed, and build again (Pagefind
#                                          started as for a user's site, so its own time is not
#                                          shown)
# RUNS (default 3) runs of each, the median run (by wall time) shown. ACTIVITIES=10000 for the
# larger corpus. Outputs go to a new RAM file system (tmpfs, removed at the end); BENCH_FS=ext4 for
# a new ext4 file system on a loop device, BENCH_FS=disk for the corpus folder. BENCH_CORPORA=DIR
# keeps the corpora in DIR (say under /tmp) instead of bench/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
mode="${1:-}"
[ "$#" -gt 0 ] && shift
case "$mode" in
  full) counts=("${@:-200 1000 2000 5000 10000}") ;;
  rebuild) counts=("${@:-2000}") ;;
  *) echo "usage: bash bench/deep.sh full|rebuild [COMMITS…]" >&2; exit 2 ;;
esac
read -r -a counts <<< "${counts[*]}"
activities="${ACTIVITIES:-1000}"
corpora="$(mkdir -p "${BENCH_CORPORA:-bench/corpus}" && cd "${BENCH_CORPORA:-bench/corpus}" && pwd)"
runs="${RUNS:-3}"
command -v hugo >/dev/null && [ -x /usr/bin/time ] && command -v cc >/dev/null ||
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo time gcc >/dev/null
[ -n "${SAMPLAN:-}" ] || [ -x build/samplan ] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && cmake --build build -j2 >/dev/null; }
samplan="${SAMPLAN:-$root/build/samplan}"  # SAMPLAN=path to compare builds
# Pagefind's own program, the one node_modules/.bin/pagefind starts through node (node's launcher
# is left out of both sides).
pagefind="$(find -L "$root/node_modules/@pagefind" -path '*/bin/pagefind_extended' -type f 2>/dev/null | head -n 1)"
[ -n "$pagefind" ] || pagefind="$(find -L "$root/node_modules/@pagefind" -path '*/bin/pagefind' -type f 2>/dev/null | head -n 1)"
[ -n "$pagefind" ] || { echo "bench: Pagefind is not installed (npm ci)" >&2; exit 1; }
export BENCH_PAGEFIND_BIN="$pagefind"
# The timed stand-in for it (bench/pagefind-timed.c), a program named pagefind.
standin="$corpora/.pagefind-timed/pagefind"
mkdir -p "$(dirname "$standin")"
cc -O2 -Wall -DFALLBACK="\"$pagefind\"" -o "$standin" bench/pagefind-timed.c

# Outputs: a new file system, so that what earlier runs deleted does not slow this one (see run.sh).
fs="${BENCH_FS:-tmpfs}"
fresh="$root/bench/corpus/deep-fs"
mkdir -p "$fresh"
if mountpoint -q "$fresh"; then umount "$fresh"; fi
rm -f "$fresh.img"
mounted=0
if [ "$fs" = tmpfs ] && mount -t tmpfs -o size=16G tmpfs "$fresh" 2>/dev/null; then
  mounted=1
elif [ "$fs" = ext4 ] && truncate -s 16G "$fresh.img" && mkfs.ext4 -q -F "$fresh.img" >/dev/null 2>&1 &&
     mount -o loop "$fresh.img" "$fresh" 2>/dev/null; then
  mounted=1
else
  [ "$fs" = disk ] || echo "bench: cannot mount a $fs file system here; outputs on the project's disk"
  fs=disk
  rm -rf "${fresh:?}"/* "$fresh.img"
fi
cleanup() {
  cd "$root"
  # The corpora are left as generated plus Hugo's site files, for anyone to build.
  for c in "${counts[@]}"; do rm -rf "$corpora/deep-a$activities-c$c/out" "$corpora/deep-a$activities-c$c/node_modules"; done
  if [ "$mounted" = 1 ]; then umount "$fresh"; fi
  rm -f "$fresh.img"
}
trap cleanup EXIT

# corpus COMMITS: the corpus folder (generated if missing), with Hugo's site files, the timed
# Pagefind stand-in, and out/ linked to a folder of its own on the new file system.
corpus() {
  local dir="$corpora/deep-a$activities-c$1"
  if [ ! -d "$dir/.git" ]; then
    echo "bench: generating $dir" >&2
    python3 bench/make_corpus.py "$dir" --shape deep --activities "$activities" --commits "$1" --seed 1 >&2
  fi
  cp bench/hugo/hugo.toml "$dir/hugo.toml"
  rm -rf "$dir/layouts" && cp -r bench/hugo/layouts "$dir/layouts"
  mkdir -p "$dir/node_modules/.bin" "$fresh/c$1"
  ln -sfn "$standin" "$dir/node_modules/.bin/pagefind"
  rm -rf "$dir/out" && ln -sfn "$fresh/c$1" "$dir/out"
  echo "$dir"
}

# timed FILE COMMAND…: runs COMMAND in the current folder, appends "wall cpu peak_kib" to FILE.
timed() {
  local file="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o time.txt "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
  tail -n 1 time.txt | awk '{printf "%.3f %.3f %d\n", $1, $2 + $3, $4}' >> "$file"
}
# samplan_timed FILE OUT: samplan build (Pagefind included) into OUT; appends "wall cpu peak_kib
# pagefind_wall pagefind_cpu pagefind_peak_kib samplan_rss_kib_during_pagefind" to FILE. The peak
# is the most memory in use at once: samplan's own peak, or samplan's resident memory while it
# waits for Pagefind plus Pagefind's peak, whichever is larger (/usr/bin/time alone reports the
# larger process).
samplan_timed() {
  local file="$1" out="$2"
  export BENCH_PAGEFIND_LOG="$PWD/pagefind.txt"
  rm -f pagefind.txt pagefind.txt.parent
  timed samplan.tmp "$samplan" build --content content --output "$out" --quiet --today 2026-01-01
  local own pf="0 0 0 0 0"
  own=$(tail -n 1 samplan.tmp)
  # samplan runs Pagefind once per part of the search index that changed (none when nothing did),
  # as many at once as there are cores: their times are summed; their peak is that of the cores'
  # worth of runs with the largest peaks, all at once (an upper bound), plus samplan's largest
  # resident memory when it started one.
  if [ -s pagefind.txt ]; then
    pf=$(paste -d ' ' pagefind.txt pagefind.txt.parent | sort -k4,4nr | awk -v cores="$(nproc)" '{w += $1; c += $2 + $3
      if (NR <= cores) p += $4; if ($5 > r) r = $5} END {printf "%.3f %.3f %d %d %d", w, c, p, r, p + r}')
  fi
  rm -f samplan.tmp
  echo "$own $pf" | awk '{pw = $4; pc = $5; pp = $6; rss = $7; both = $8
    peak = ($3 > both) ? $3 : both
    printf "%.3f %.3f %d %.3f %.3f %d %d\n", $1, $2, peak, pw, pc, pp, rss}' >> "$file"
}
# median FILE: the median line of FILE by its first field (wall time).
median() { sort -n "$1" | awk -v n="$(wc -l < "$1")" 'NR == int((n + 1) / 2)'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
files() { find "$1" -type f | wc -l; }
pages() { find "$1" -name '*.html' -not -path "$1/pagefind/*" | wc -l; }

echo "bench: deep history, $activities activities, median of $runs runs, $(nproc) cores, outputs on $fs, $(date -u '+%F %H:%M UTC'), load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
rows=()
for c in "${counts[@]}"; do
  dir="$(corpus "$c")"
  cd "$dir"
  if [ "$mode" = full ]; then
    rm -f ./*.times
    # Taking turns, each build into a new folder: samplan (with its Pagefind), Hugo then Pagefind
    # over Hugo's output, and the floor: reading every content file, `git log --name-status`, and
    # copying samplan's output (search index included) into a new folder.
    for run in $(seq "$runs"); do
      samplan_timed samplan.times "out/samplan-$run"
      timed hugo.times hugo --quiet --enableGitInfo --destination "out/hugo-$run"
      timed pagefind-hugo.times "$pagefind" --site "out/hugo-$run" --silent
      timed floor.times bash -c "find content -type f -exec cat {} + >/dev/null && git log --name-status >/dev/null && cp -r out/samplan-$run out/floor-$run"
    done
    read -r sw sc sp pw pc pp rss <<< "$(median samplan.times)"
    paste -d ' ' hugo.times pagefind-hugo.times |
      awk '{printf "%.3f %.3f %d %.3f %.3f %d %.3f %.3f %d\n", $1 + $4, $2 + $5, ($3 > $6 ? $3 : $6), $1, $2, $3, $4, $5, $6}' > hugo-pagefind.times
    read -r hw hc hp hhw hhc hhp hpw hpc hpp <<< "$(median hugo-pagefind.times)"
    read -r fw fc fp <<< "$(median floor.times)"
    sf=$(files out/samplan-1); sx=$(files out/samplan-1/pagefind); spg=$(pages out/samplan-1)
    hf=$(files out/hugo-1); hx=$(files out/hugo-1/pagefind); hpg=$(pages out/hugo-1)
    echo "== $c commits ($(git rev-list --count HEAD) in history)"
    printf '%-34s wall %7.2f s  cpu %7.2f s  peak %6s MiB   Pagefind %.2f s (cpu %.2f s), %s MiB; samplan %s MiB meanwhile\n' \
      "samplan build (search included)" "$sw" "$sc" "$(mib "$sp")" "$pw" "$pc" "$(mib "$pp")" "$(mib "$rss")"
    printf '%-34s wall %7.2f s  cpu %7.2f s  peak %6s MiB   Hugo %.2f s (cpu %.2f s), %s MiB; Pagefind %.2f s (cpu %.2f s), %s MiB\n' \
      "hugo --enableGitInfo + pagefind" "$hw" "$hc" "$(mib "$hp")" "$hhw" "$hhc" "$(mib "$hhp")" "$hpw" "$hpc" "$(mib "$hpp")"
    printf '%-34s wall %7.2f s  cpu %7.2f s\n' "floor (read, git log, copy)" "$fw" "$fc"
    echo "files: samplan $sf ($spg pages, $sx in the search index), Hugo $hf ($hpg pages, $hx in the search index)"
    awk -v s="$sw" -v h="$hw" -v f="$fw" -v sp="$sp" -v hp="$hp" -v a="$spg" -v b="$hpg" 'BEGIN {
      printf "ratios: samplan / (Hugo + Pagefind) wall %.2f, peak %.2f; samplan / floor %.1f; pages samplan / Hugo %.1f\n",
        s / h, sp / hp, s / f, a / b}'
    rows+=("$(printf '| %s | %.2f s | %.2f s | %s MiB | %.2f s | %.2f s | %s MiB | %.2f | %.2f s | %.1f | %s / %s |' \
      "$c" "$sw" "$pw" "$(mib "$sp")" "$hw" "$hpw" "$(mib "$hp")" "$(awk -v s="$sw" -v h="$hw" 'BEGIN {print s / h}')" \
      "$fw" "$(awk -v s="$sw" -v f="$fw" 'BEGIN {print s / f}')" "$sf" "$hf")")
  else
    # The edits are made in a clone (objects shared by hard links), so the corpus stays as generated.
    work="$dir-edit"
    rm -rf "$work" && git clone -q "$dir" "$work"
    git -C "$work" config user.name Bench && git -C "$work" config user.email bench@example.org
    # Pagefind as a user's site has it (npm's tree, whose binary samplan starts directly), not
    # the timed stand-in: its own fork and exec, however small, are on an edit's critical path,
    # and no user pays them. The rebuilds' Pagefind time is therefore not shown.
    ln -sfn "$root/node_modules" "$work/node_modules"
    rm -rf "$dir/out/edit" && mkdir -p "$dir/out/edit" && ln -sfn "$dir/out/edit" "$work/out"
    cd "$work"
    sleep 3  # files written in the last two seconds are never trusted to be unchanged (docs/publishing.md)
    file="$(git ls-files 'content/groups/*/activities/*.md' | awk -v n="$activities" 'NR == int(n / 2)')"
    # The full build, into an empty output folder (no caches) each time: RUNS of them, the median
    # the ratios' measure (a single run varied by a quarter between runs minutes apart).
    for run in $(seq "$runs"); do
      rm -rf "$dir/out/edit" && mkdir -p "$dir/out/edit"
      samplan_timed full.times out/site
    done
    for run in $(seq "$runs"); do
      samplan_timed unchanged.times out/site
      # A one-line edit: a sentence added to the body text's first line.
      awk -v run="$run" 'f == 2 && !done && NF {$0 = $0 " Ändrat vid mätning " run "."; done = 1} /^\+\+\+$/ {f++} {print}' \
        "$file" > edit.tmp && mv edit.tmp "$file"
      sleep 3
      samplan_timed edit.times out/site
      git commit -qam "Mätning $run"
      sleep 3
      samplan_timed commit.times out/site
    done
    read -r uw _ <<< "$(median unchanged.times)"
    read -r fw fc fp _ <<< "$(median full.times)"
    read -r ew ec ep _ <<< "$(median edit.times)"
    read -r cw cc cp _ <<< "$(median commit.times)"
    echo "== $c commits, edits to $file"
    printf '%-36s wall %7.2f s  cpu %7.2f s  peak %6s MiB\n' "full build (search included)" "$fw" "$fc" "$(mib "$fp")" \
      "after a one-line edit" "$ew" "$ec" "$(mib "$ep")" "after committing it" "$cw" "$cc" "$(mib "$cp")"
    printf '%-36s wall %7.2f s\n' "no change" "$uw"
    awk -v f="$fw" -v e="$ew" -v c="$cw" 'BEGIN {printf "ratios to the full build: edit %.1f%%, commit %.1f%%\n", 100 * e / f, 100 * c / f}'
    rows+=("$(printf '| %s | %.2f s | %.2f s (%.1f%%) | %.2f s (%.1f%%) | %.2f s |' "$c" "$fw" "$ew" \
      "$(awk -v f="$fw" -v e="$ew" 'BEGIN {print 100 * e / f}')" "$cw" "$(awk -v f="$fw" -v e="$cw" 'BEGIN {print 100 * e / f}')" "$uw")")
    cd "$root"
    rm -rf "$work"
  fi
  rm -f "$dir"/time.txt
  cd "$root"
done
echo
echo "bench: done $(date -u '+%H:%M UTC'), load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
if [ "$mode" = full ]; then
  echo "| commits | samplan | of which Pagefind | samplan peak | Hugo + Pagefind | of which Pagefind | Hugo + Pagefind peak | ratio | floor | samplan / floor | files samplan / Hugo |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
else
  echo "| commits | full build | after a one-line edit | after committing it | no change |"
  echo "| --- | --- | --- | --- | --- |"
fi
printf '%s\n' "${rows[@]}"

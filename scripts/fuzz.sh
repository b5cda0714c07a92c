#!/usr/bin/env bash
# Builds the libFuzzer targets with clang 14 (AddressSanitizer + UndefinedBehaviorSanitizer) and
# runs each for SECONDS (default 60), two at a time, seeded from the example content and the test fixtures.
# Usage: bash scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

bash scripts/install-deps.sh
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"  # for a new build folder (scripts/setup.sh)
# scripts/test.sh's sanitizer build (build-asan) is also instrumented for libFuzzer: reuse it rather
# than compiling everything a third time; otherwise configure a build of the fuzz targets alone.
dir=build-fuzz
if grep -q '^SAMPLAN_FUZZ:BOOL=ON' build-asan/CMakeCache.txt 2>/dev/null; then
  dir=build-asan
else
  CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAMPLAN_FUZZ=ON -DSAMPLAN_TESTS=OFF -DSAMPLAN_WERROR=ON >/dev/null
fi
cmake --build "$dir" -j2 --target front_matter_fuzz records_fuzz markdown_fuzz pipeline_fuzz toml_fuzz git_delta_fuzz

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Fuzzes one target; returns 1 (its log's end printed, its input kept) when it found something.
fuzz_one() {
  local target="$1" corpus="$work/$1" rc=0
  mkdir -p "$corpus"
  # Seeds: every record of the example content and the fixtures (the corpus grows in $work only).
  find content tests/fixtures -type f \( -name '*.md' -o -name '*.toml' \) -size -64k -print0 |
    xargs -0 -I{} sh -c 'cp "$1" "$2/$(printf %s "$1" | md5sum | cut -c1-16)"' _ {} "$corpus"
  ./"$dir"/fuzz/"${target}_fuzz" "$corpus" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 \
    -timeout=20 -print_final_stats=1 -artifact_prefix="$work/crash-$target-" >"$work/$target.log" 2>&1 || rc=$?
  echo "== fuzzed $target for ${seconds}s"
  grep -E '^(Done|stat::)' "$work/$target.log" || true
  if [ "$rc" -ne 0 ] || ls "$work"/crash-"$target"-* >/dev/null 2>&1; then
    tail -n 60 "$work/$target.log" >&2
    mkdir -p fuzz/artifacts
    cp "$work"/crash-"$target"-* fuzz/artifacts/ 2>/dev/null || true
    echo "fuzz: $target found a crash; the input is in fuzz/artifacts/" >&2
    return 1
  fi
}

# Each fuzzer runs on one core: two at a time.
failed=0
running=()
for target in front_matter records markdown pipeline toml git_delta; do
  fuzz_one "$target" &
  running+=("$!")
  if [ "${#running[@]}" -ge 2 ]; then
    wait "${running[0]}" || failed=1
    running=("${running[@]:1}")
  fi
done
for pid in "${running[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || exit 1
echo "fuzz: no crash, leak or sanitizer report"

#!/usr/bin/env bash
# Stands in for node_modules/.bin/pagefind in the corpus folders of bench/deep.sh, so that the
# Pagefind that samplan starts is Pagefind's own program (the one node_modules/.bin/pagefind starts
# through node) under /usr/bin/time. Adds to $BENCH_PAGEFIND_LOG.parent the resident memory of
# the process that started it (samplan, waiting for Pagefind while holding its memory) as
# "rss_kib hwm_kib", and to $BENCH_PAGEFIND_LOG Pagefind's "wall user system peak_kib", a line
# each per run (samplan runs it once per part of the search index).
set -eu
# Outside a benchmark run, simply Pagefind.
[ -n "${BENCH_PAGEFIND_BIN:-}" ] && [ -n "${BENCH_PAGEFIND_LOG:-}" ] ||
  exec "$(dirname "$(readlink -f "$0")")/../node_modules/.bin/pagefind" "$@"
awk '/^VmRSS/ {r = $2} /^VmHWM/ {h = $2} END {print r, h}' "/proc/$PPID/status" >> "$BENCH_PAGEFIND_LOG.parent"
exec /usr/bin/time -a -f "%e %U %S %M" -o "$BENCH_PAGEFIND_LOG" "$BENCH_PAGEFIND_BIN" "$@"

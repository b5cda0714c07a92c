#!/usr/bin/env bash
# Browser checks of a generated samplan site:
#
#   bash tests/browser/run.sh [OUTPUT_DIR]      (default: output/ at the top of the repo)
#
# Installs what is missing (Debian's chromium, the npm packages of package-lock.json), serves
# OUTPUT_DIR on 127.0.0.1 with server.mjs, and runs site.test.mjs and charts.test.mjs with Node's test runner
# (TAP output, ending with its "# pass N" / "# fail N" summary). Exits non-zero on any failure.
#
# Environment: CHROMIUM_PATH (default /usr/bin/chromium), BROWSER_TESTS_CONCURRENCY (pages
# visited at once, default 2).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$REPO/output}"

if [[ ! -d "$OUT" ]]; then
  echo "run.sh: no site folder at $OUT (build the site first: samplan build --output $OUT)" >&2
  exit 2
fi
OUT="$(cd "$OUT" && pwd)"

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Node 20.19 or later (html-validate 10 needs it).
if ! command -v node >/dev/null 2>&1; then
  echo "run.sh: node is not installed (Node 20.19 or later is needed)" >&2
  exit 2
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "run.sh: Node $(node --version) is too old: 20.19 or later is needed" >&2
  exit 2
fi

export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  echo "run.sh: installing chromium (Debian package)"
  log="$(mktemp)"
  if ! { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "run.sh: could not install chromium" >&2
    exit 2
  fi
  rm -f "$log"
fi

if [[ ! -d "$HERE/node_modules/playwright-core" || ! -d "$HERE/node_modules/@axe-core/playwright" \
   || ! -d "$HERE/node_modules/html-validate" || ! -d "$HERE/node_modules/smol-toml" ]]; then
  echo "run.sh: installing npm packages (npm ci in tests/browser)"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Serve the site on a free port of 127.0.0.1.
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

node "$HERE/server.mjs" "$OUT" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(head -n 1 "$work/server.out" 2>/dev/null || true)"
  [[ "$url" == http://127.0.0.1:*/ ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  url=""
  sleep 0.1
done
if [[ -z "$url" ]]; then
  cat "$work/server.err" >&2
  echo "run.sh: the static server did not start" >&2
  exit 2
fi

echo "run.sh: checking $OUT served at $url"
status=0
# TESTS names the test files (default: site.test.mjs narrow.test.mjs charts.test.mjs layout.test.mjs); hostile.test.mjs checks a
# hostile site.
tests=()
for t in ${TESTS:-site.test.mjs narrow.test.mjs charts.test.mjs layout.test.mjs}; do tests+=("$HERE/$t"); done
SITE_DIR="$OUT" SITE_URL="$url" node --test --test-reporter=tap "${tests[@]}" || status=$?
exit "$status"

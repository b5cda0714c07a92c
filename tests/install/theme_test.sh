#!/usr/bin/env bash
# The theme built into samplan and the same theme on disk (--themes) give the same site, byte for
# byte: the example site, which uses every template, built from a folder without themes/.
# Usage: theme_test.sh SAMPLAN SOURCE_DIR
set -euo pipefail
samplan=$1 source=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/samplan-theme.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export SAMPLAN_PAGEFIND=/nonexistent  # the search index is Pagefind's, not the theme's
"$samplan" build --content "$source/content" --output "$tmp/built-in" --today 2026-06-01 --quiet 2> built-in.err \
  || { cat built-in.err; fail "the build with the built-in theme failed"; }
"$samplan" build --content "$source/content" --output "$tmp/on-disk" --themes "$source/themes" --today 2026-06-01 --quiet 2> on-disk.err \
  || { cat on-disk.err; fail "the build with --themes failed"; }
[ -f built-in/assets/style.css ] && [ -f built-in/index.html ] || fail "the built-in theme gave no site"
diff -r built-in on-disk || fail "the built-in theme and the same theme on disk give different sites"
# A theme that is neither on disk nor built in is named.
mkdir -p other/content && cp -r "$source/tests/fixtures/base/." other/content/
echo 'theme = "annat"' > other/head && cat other/content/site.toml >> other/head && mv other/head other/content/site.toml
if (cd other && "$samplan" build --quiet > out 2>&1); then fail "a build with a missing theme succeeded"; fi
grep -q "theme 'annat' not found" other/out || fail "a missing theme is not named: $(cat other/out)"
echo PASS

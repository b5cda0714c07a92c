#!/usr/bin/env bash
# samplan as a user gets it: installed into a temporary prefix, `samplan init` in an empty folder
# outside the source tree, then check, build and serve with the installed program from that
# folder (no theme folder anywhere near: the theme comes from the program).
# Usage: installed_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build=$1 source=$2 version=$3
fail() { echo "FAIL: $*" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/samplan-installed.XXXXXX")
serve_pid=
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
samplan=$tmp/prefix/bin/samplan
for f in bin/samplan share/man/man1/samplan.1 share/bash-completion/completions/samplan; do
  [ -f "$tmp/prefix/$f" ] || fail "cmake --install did not install $f"
done
[ -z "$(find "$tmp/prefix" -path '*themes*' -print -quit)" ] || fail "a themes folder was installed: the theme belongs in the program"
[ "$("$samplan" --version)" = "samplan $version" ] || fail "samplan --version says '$("$samplan" --version)', not 'samplan $version'"
man -l "$tmp/prefix/share/man/man1/samplan.1" >/dev/null 2>&1 || [ ! -x "$(command -v man)" ] || fail "the man page does not format"
bash -c "source '$tmp/prefix/share/bash-completion/completions/samplan' && complete -p samplan" >/dev/null \
  || fail "the bash completion does not load"

# A new site in an empty folder, a git repository as the office's would be.
site=$tmp/kansliet
mkdir "$site"
cd "$site"
git init -q
echo "# Kansliets planer" > README.md   # as a forge makes a new repository: kept as it is
"$samplan" init > "$tmp/init.out" 2>&1 || { cat "$tmp/init.out"; fail "samplan init failed"; }
grep -q "samplan check" "$tmp/init.out" || fail "samplan init does not say what to do next"
[ "$(cat README.md)" = "# Kansliets planer" ] || fail "samplan init overwrote the repository's README.md"
grep -q "kept 'README.md'" "$tmp/init.out" || fail "samplan init does not say it kept README.md"
for f in content/site.toml content/regional/plan.toml content/pages/vagledning.md .gitignore .gitlab-ci.yml \
         .github/workflows/pages.yml; do
  [ -f "$f" ] || fail "samplan init did not write $f"
done
grep -q 'samplan_\$\?{\?SAMPLAN_VERSION\|apt-get install -y -qq /tmp/samplan.deb' .gitlab-ci.yml || fail "the GitLab CI file does not install the package"
grep -q "SAMPLAN_VERSION: \"$version\"" .gitlab-ci.yml || fail "the GitLab CI file does not name this version"
grep -q 'fetch-depth: 0' .github/workflows/pages.yml || fail "the GitHub workflow does not fetch the full history"
git add -A && git -c user.name=Test -c user.email=test@example.org commit -qm "Ny webbplats"

# A second init changes nothing and says why.
before=$(find . -path ./.git -prune -o -type f -print | sort | xargs sha1sum)
if "$samplan" init > "$tmp/again.out" 2>&1; then fail "samplan init overwrote an existing site"; fi
grep -q "exists already" "$tmp/again.out" || fail "a second samplan init does not say why it refused: $(cat "$tmp/again.out")"
[ "$before" = "$(find . -path ./.git -prune -o -type f -print | sort | xargs sha1sum)" ] || fail "a refused init changed files"

"$samplan" check > "$tmp/check.out" 2>&1 || { cat "$tmp/check.out"; fail "samplan check of the new site failed"; }
if grep -q ": error:" "$tmp/check.out"; then cat "$tmp/check.out"; fail "samplan check reports errors on the new site"; fi

# Search: the repository's own Pagefind when it is installed, named the way a user may name it.
pagefind=$source/node_modules/.bin/pagefind
if [ -x "$pagefind" ]; then export SAMPLAN_PAGEFIND=$pagefind; fi
"$samplan" build --quiet > "$tmp/build.out" 2>&1 || { cat "$tmp/build.out"; fail "samplan build of the new site failed"; }
[ -f output/index.html ] || fail "no start page"
[ -f output/groups/exempel/index.html ] || fail "no page for the example group: $(ls output)"
year=$(date +%Y)
grep -q "groups/exempel/$year/\|href=\"$year/\"" output/groups/exempel/index.html || fail "the group page does not link to its plan"
grep -q "Exempelaktivitet" "output/groups/exempel/$year/index.html" || fail "the plan page does not list its activity"
[ -f "output/groups/exempel/$year/exempelaktivitet/index.html" ] || fail "no page for the example activity"
[ -f output/search/index.html ] || fail "no search page"
if [ -x "$pagefind" ]; then
  [ -f output/pagefind/pagefind.js ] || fail "Pagefind is installed ($pagefind) but no search index was built: $(cat "$tmp/build.out")"
else
  echo "NOTE: Pagefind is not installed ($pagefind missing: npm ci): the search index is not tested"
fi

# serve: the start page answers.
"$samplan" serve --port 0 > "$tmp/serve.out" 2>&1 &
serve_pid=$!
url=
for _ in $(seq 1 600); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$tmp/serve.out" | head -1 || true)
  [ -n "$url" ] && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$tmp/serve.out"; fail "samplan serve ended"; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/serve.out"; fail "samplan serve printed no address"; }
page=$(curl -fsS "$url") || fail "samplan serve did not answer at $url"
grep -q "Lokal samverkan" <<< "$page" || fail "the start page from samplan serve does not show the site's title"
curl -fsS "${url}_samplan/live.js" | grep -q "Live reload" || fail "samplan serve does not serve the built-in theme's live-reload script"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=

# The theme written into the site for customising, changed in one file: the rest stays as built in.
"$samplan" theme > "$tmp/theme.out" 2>&1 || { cat "$tmp/theme.out"; fail "samplan theme failed"; }
[ -f content/theme/templates/home.mustache ] && [ -f content/theme/assets/style.css ] && [ -f content/theme/i18n/sv.toml ] \
  || fail "samplan theme did not write the theme into content/theme/"
"$samplan" build --quiet --output "$tmp/same" > /dev/null 2>&1 || fail "the build with the written theme failed"
diff -r -x pagefind output "$tmp/same" > /dev/null || fail "the theme written by samplan theme does not give the same site"
echo "/* eget */" >> content/theme/assets/style.css
"$samplan" build --quiet --output "$tmp/changed" > /dev/null 2>&1 || fail "the build with a changed theme file failed"
grep -q "/\* eget \*/" "$tmp/changed/assets/style.css" || fail "the site's own style.css does not override the built-in one"
echo "PASS"

#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` makes samplan_<version>_amd64.deb, whose Depends come from
# the libraries the program links (dpkg-shlibdeps), and the program extracted from it runs on a
# new site without anything else.
# Usage: deb_test.sh BUILD_DIR VERSION
set -euo pipefail
build=$1 version=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install dpkg-dev; scripts/install-deps.sh)"
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/samplan-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" > "$tmp/cpack.out" 2>&1 || { cat "$tmp/cpack.out"; fail "cpack failed"; }
deb=$tmp/pkg/samplan_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "no $deb: $(ls "$tmp/pkg")"

[ "$(dpkg-deb -f "$deb" Package)" = samplan ] || fail "the package is not called samplan"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the package's version is $(dpkg-deb -f "$deb" Version), not $version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# What the program links, each with the version it was built against.
for lib in libc6 libstdc++6 libgit2 libcmark-gfm0 libcmark-gfm-extensions0 libicu; do
  grep -q "$lib" <<< "$depends" || fail "Depends lacks $lib: $depends"
done
grep -Eq 'libgit2-[0-9.]+ \(>= ' <<< "$depends" || fail "Depends names libgit2 without a version: $depends"
# Headers, compilers and the -dev packages are the build's, not the user's.
if grep -q -- '-dev' <<< "$depends"; then fail "Depends names a -dev package: $depends"; fi

contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/samplan ./usr/share/man/man1/samplan.1 ./usr/share/bash-completion/completions/samplan; do
  grep -q " $f\$" <<< "$contents" || fail "the package lacks $f"
done

dpkg-deb -x "$deb" "$tmp/root"
samplan=$tmp/root/usr/bin/samplan
[ "$("$samplan" --version)" = "samplan $version" ] || fail "the packaged samplan says '$("$samplan" --version)'"
mkdir "$tmp/site" && cd "$tmp/site"
"$samplan" init > /dev/null || fail "the packaged samplan cannot init a site"
"$samplan" check > check.out 2>&1 || { cat check.out; fail "the packaged samplan's check failed"; }
SAMPLAN_PAGEFIND=/nonexistent "$samplan" build --quiet > build.out 2>&1 || { cat build.out; fail "the packaged samplan's build failed"; }
[ -f output/index.html ] && [ -f output/assets/style.css ] || fail "the packaged samplan built no site"
echo PASS

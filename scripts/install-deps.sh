#!/usr/bin/env bash
# Installs the Debian 12 packages samplan needs to build and test (run as root).
# Does nothing when everything is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

# dpkg-dev (dpkg-shlibdeps) and file: the Debian package that cpack makes (tests/install/);
# curl: the installed program's test asks samplan serve for the start page.
packages=(
  cmake make ninja-build g++ clang-14 libclang-rt-14-dev libfuzzer-14-dev pkg-config git
  libcmark-gfm-dev libcmark-gfm-extensions-dev libtomlplusplus-dev libgit2-dev doctest-dev libicu-dev
  libcpp-httplib-dev libmimalloc-dev libexpat1-dev
  dpkg-dev file curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "samplan: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node and npm: the machine's own when present (Debian's npm would conflict with another Node).
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm
fi

# Pagefind (search) ships its binary in npm packages, pinned in package.json and package-lock.json,
# with the schema test's ajv and smol-toml.
if [ ! -x node_modules/.bin/pagefind ] || [ ! -d node_modules/ajv ] || [ ! -d node_modules/smol-toml ]; then
  npm ci --no-audit --no-fund
fi

#!/usr/bin/env bash
# Installs the Debian 12 packages samplan needs to build and test (run as root).
# Does nothing when everything is already installed.
set -euo pipefail

packages=(
  cmake make g++ clang-14 libclang-rt-14-dev pkg-config git
  libcmark-gfm-dev libcmark-gfm-extensions-dev libtomlplusplus-dev libgit2-dev doctest-dev libicu-dev libmstch-dev
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

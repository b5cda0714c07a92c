#!/usr/bin/env bash
# The first command for a fresh Debian 12 machine (as root): installs the dependencies,
# builds samplan, and builds the example site in content/ into output/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j2
./build/samplan build --content content --output output

#!/usr/bin/env bash
# The first command for a fresh Debian 12 machine (as root): installs the dependencies,
# builds samplan, and builds the example site in content/ into output/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
# Ninja for a new build folder: it compiles a target's files while the libraries it links are still
# being built, where Make waits for each stage of the pipeline in turn and leaves a core idle. A
# folder already configured keeps its generator (CMake reads this variable only for a new one).
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"
# Configured exactly as scripts/test.sh configures it (warnings as errors: this script is for Debian 12's
# g++, which CI builds warning-free), so that the test command reuses this build instead of compiling
# everything again, and the program users get is the one the tests run.
# A unity build (each target's files compiled in batches; CMakeLists.txt says why).
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAMPLAN_WERROR=ON -DCMAKE_UNITY_BUILD=ON
cmake --build build -j2
./build/samplan build --content content --output output

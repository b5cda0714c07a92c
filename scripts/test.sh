#!/usr/bin/env bash
# The whole test suite: unit and end-to-end tests, built twice — with g++ and warnings as
# errors, and with clang 14 under AddressSanitizer and UndefinedBehaviorSanitizer — then the
# browser tests (html-validate, axe-core WCAG 2.1 and 2.2 AA, links, keyboard) on the example site; and
# the JSON Schemas for editors against the example content and the fixture cases.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
# Ninja for a new build folder, as scripts/setup.sh says.
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"
# step TITLE: prints the step's title and the seconds since the test command started.
step() { echo "== $* (at ${SECONDS}s)"; }

step "g++, -Wall -Wextra -Werror"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAMPLAN_WERROR=ON -DCMAKE_UNITY_BUILD=ON
cmake --build build -j2
(cd build && ctest -j2 --output-on-failure)

step "clang 14, AddressSanitizer + UndefinedBehaviorSanitizer"
# Instrumented for libFuzzer as well: scripts/fuzz.sh takes its targets from this build.
CXX=clang++-14 cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSAMPLAN_WERROR=ON -DSAMPLAN_SANITIZE=ON -DSAMPLAN_FUZZ=ON \
  -DCMAKE_UNITY_BUILD=ON
cmake --build build-asan -j2
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -j2 --output-on-failure)

step "JSON Schemas (schemas/) against the example content and the fixture cases"
node --test tests/schemas/schemas.test.mjs

step "browser tests on the example site"
rm -rf build/browser-site
./build/samplan build --content content --output build/browser-site --quiet
bash tests/browser/run.sh build/browser-site

step "browser tests on hostile content (no injected script may run)"
rm -rf build/hostile-content build/hostile-site
mkdir -p build/hostile-content
cp -r tests/fixtures/base/. tests/fixtures/hostile/. build/hostile-content/
./build/samplan build --content build/hostile-content --output build/hostile-site --quiet --today 2025-06-01
TESTS="hostile.test.mjs narrow.test.mjs charts.test.mjs" bash tests/browser/run.sh build/hostile-site

step "browser test of samplan serve (live reload, error overlay)"
SAMPLAN=build/samplan node --test --test-reporter=tap tests/browser/serve.test.mjs

step "browser test of the editor of samplan serve (forms, checks as you type, saves as commits)"
SAMPLAN=build/samplan node --test --test-reporter=tap tests/browser/editor.test.mjs

step "browser test of the hosted editor (samplan cms: Decap CMS on its test repository)"
SAMPLAN=build/samplan node --test --test-reporter=tap tests/browser/cms.test.mjs
step "all tests passed"

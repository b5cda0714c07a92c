#!/usr/bin/env bash
# The whole test suite: unit and end-to-end tests, built twice — with g++ and warnings as
# errors, and with clang 14 under AddressSanitizer and UndefinedBehaviorSanitizer — then the
# browser tests (html-validate, axe-core WCAG 2.1 and 2.2 AA, links, keyboard) on the example site; and
# the JSON Schemas for editors against the example content and the fixture cases.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

echo "== g++, -Wall -Wextra -Werror"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAMPLAN_WERROR=ON
cmake --build build -j2
(cd build && ctest -j2 --output-on-failure)

echo "== clang 14, AddressSanitizer + UndefinedBehaviorSanitizer"
# Instrumented for libFuzzer as well: scripts/fuzz.sh takes its targets from this build.
CXX=clang++-14 cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSAMPLAN_WERROR=ON -DSAMPLAN_SANITIZE=ON -DSAMPLAN_FUZZ=ON
cmake --build build-asan -j2
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -j2 --output-on-failure)

echo "== JSON Schemas (schemas/) against the example content and the fixture cases"
node --test tests/schemas/schemas.test.mjs

echo "== browser tests on the example site"
rm -rf build/browser-site
./build/samplan build --content content --output build/browser-site --quiet
bash tests/browser/run.sh build/browser-site

echo "== browser tests on hostile content (no injected script may run)"
rm -rf build/hostile-content build/hostile-site
mkdir -p build/hostile-content
cp -r tests/fixtures/base/. tests/fixtures/hostile/. build/hostile-content/
./build/samplan build --content build/hostile-content --output build/hostile-site --quiet --today 2025-06-01
TESTS="hostile.test.mjs narrow.test.mjs charts.test.mjs" bash tests/browser/run.sh build/hostile-site

echo "== browser test of samplan serve (live reload, error overlay)"
SAMPLAN=build/samplan node --test --test-reporter=tap tests/browser/serve.test.mjs

echo "== browser test of the editor of samplan serve (forms, checks as you type, saves as commits)"
SAMPLAN=build/samplan node --test --test-reporter=tap tests/browser/editor.test.mjs

echo "== browser test of the hosted editor (samplan cms: Decap CMS on its test repository)"
SAMPLAN=build/samplan node --test --test-reporter=tap tests/browser/cms.test.mjs

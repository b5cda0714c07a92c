#!/usr/bin/env bash
# Every doctest case must be one that ctest can run: doctest_discover_tests gives ctest the name
# as a --test-case filter, and a ';' splits it into two names that match nothing (the case then
# "passes" without running), a '[' is read as a wildcard set. Usage: test_names.sh BINARY...
set -euo pipefail
status=0
for binary in "$@"; do
  names=$("$binary" --list-test-cases --no-version | grep -v -e '^\[doctest\]' -e '^====' || true)
  [ -n "$names" ] || { echo "$binary lists no test cases"; status=1; }
  if bad=$(grep '[][;]' <<< "$names"); then
    echo "$(basename "$binary"): test case names ctest cannot run (use ',' for ';', no brackets):"
    echo "$bad"
    status=1
  fi
done
exit $status

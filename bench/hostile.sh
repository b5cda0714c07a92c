#!/usr/bin/env bash
# Measures `samplan build` (with search) on the base fixture with one page whose body is a
# megabyte of a hostile shape (issue 18, finding 5): exit status, wall time, CPU time (user +
# system) and peak resident memory of samplan and, separately, of the longest Pagefind run.
# No test asserts these figures; docs/security.md quotes them.
#   bash bench/hostile.sh [SHAPE...]      (default: every shape; SAMPLAN=PATH to compare builds)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
samplan=${SAMPLAN:-$here/build/samplan}
modules=$here/node_modules
pagefind=$modules/@pagefind/linux-x64/bin/pagefind_extended
[ -x "$pagefind" ] || { echo "no Pagefind at $pagefind (bash scripts/setup.sh)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Pagefind under /usr/bin/time: one line "wall user system peak_kib" per run.
cat > "$work/pagefind" <<SH
#!/bin/sh
exec /usr/bin/time -a -f "%e %U %S %M" -o "$work/pagefind.log" "$pagefind" "\$@"
SH
chmod +x "$work/pagefind"

# Each shape: a Python expression of about 1,000,000 characters, the body of a page; for
# activity-title, the title of the activity utbildning.md instead (a plain value, shown on every
# page that lists or links the activity).
declare -A shapes=(
  [a-pi]="'a <?' * 240000"
  [cdata]="'a <![CDATA[' * 83000"
  [decl]="'a <!A ' * 166000"
  [nested-lists]="'- ' * 20000 + 'a'"
  [nested-quotes]="'>' * 100000 + ' a'"
  [lt]="'<' * 1000000"
  [lbracket]="'[' * 1000000"
  [rbracket]="']' * 1000000"
  [bang]="'!!!![' * 200000"
  [amp]="'&' * 1000000"
  [backslash]="'\\\\' * 1000000"
  [backtick]="'\`' * 1000000"
  [star]="'*' * 1000000"
  [underscore]="'_' * 1000000"
  [star-a]="'*a' * 500000"
  [a-bang]="'a!' * 500000"
  [a-newline]="'a\\n' * 500000"
  [colon]="':' * 1000000"
  [www]="'w' * 1000000"
  [links]="'[a](b)' * 166000"
  [pipes]="('|' * 1000 + '\\n') * 1000"
  [small]="'Så här arbetar vi.'"
  [activity-title]="'T' * 1000000"
  [prose]="'Det här är en vanlig mening om arbetet i gruppen, med några ord till. ' * 14000"
  [prose-lines]="'Det här är en vanlig mening om arbetet i gruppen, med några ord.\\n' * 15000"
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(a-pi cdata decl nested-lists nested-quotes lt lbracket rbracket bang amp backslash backtick star underscore star-a a-bang a-newline colon www links pipes prose prose-lines activity-title)

printf "%-14s %4s %8s %8s %8s | %s\n" shape exit wall_s cpu_s peak_MB "longest Pagefind run: wall_s cpu_s peak_MB"
for name in "${names[@]}"; do
  content=$work/content
  rm -rf "$content" "$work/out" "$work/pagefind.log"
  cp -r "$here/tests/fixtures/base" "$content"
  if [ "$name" = activity-title ]; then
    python3 -c "
import re, sys
text = open(sys.argv[1]).read()
open(sys.argv[1], 'w').write(re.sub(r'(?m)^title = \".*\"$', 'title = \"' + ${shapes[$name]} + '\"', text, count=1))
" "$content/groups/alfa/plans/2025/activities/utbildning.md"
  else
    python3 -c "
import sys
body = ${shapes[$name]}
open(sys.argv[1], 'w').write('+++\ntitle = \"Vägledning\"\nweight = 1\n+++\n' + body + '\n')
" "$content/pages/vagledning.md"
  fi
  status=0
  SAMPLAN_PAGEFIND=$work/pagefind /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
    "$samplan" build --quiet --content "$content" --output "$work/out" --today 2025-06-01 \
    > "$work/stdout" 2>&1 || status=$?
  read -r wall user sys peak < <(tail -1 "$work/time")
  # peak: the largest of samplan and every process it started (Pagefind included).
  pf="-"
  if [ -s "$work/pagefind.log" ]; then
    pf=$(sort -k1 -n -r "$work/pagefind.log" | head -1 | awk '{printf "%s %.2f %d", $1, $2 + $3, $4 / 1024}')
  fi
  printf '%-14s %4s %8s %8.2f %8d | %s\n' "$name" "$status" "$wall" "$(echo "$user + $sys" | bc)" \
    "$((peak / 1024))" "$pf"
  [ "$status" = 0 ] || grep -m1 -E 'error|warning' "$work/stdout" | cut -c1-160 | sed 's/^/    /'
done

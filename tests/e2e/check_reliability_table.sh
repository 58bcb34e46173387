#!/usr/bin/env bash
# Checks the README's reliability table against the end-to-end tests, so it cannot drift:
#   - every fault the table must cover has a row;
#   - each row names an e2e TEST_CASE that exists (the last column, in backticks);
#   - that test asserts the exit status the row claims (`exit_code == N`).
# The tests themselves prove the assertions hold: this check and the e2e tests run together.
#   tests/e2e/check_reliability_table.sh [README.md] [tests/e2e]
set -euo pipefail
cd "$(dirname "$0")/../.."
readme="${1:-README.md}"
e2e="${2:-tests/e2e}"

faults=("server down" "HTTP 4xx/5xx" "mid-stream error" "dropped connection" "stall"
        "garbage line" "split UTF-8" "SIGINT" "SIGTERM" "closed stdout" "plugin crash"
        "plugin hang" "plugin flood")

table="$(sed -n '/<!-- reliability-table:begin -->/,/<!-- reliability-table:end -->/p' "$readme" |
         grep '^| ' | tail -n +2 | sed 's/\\|/\x01/g')"  # header dropped; '\|' kept apart
if [ -z "$table" ]; then
  echo "check_reliability_table: no table between the reliability-table markers in $readme" >&2
  exit 1
fi

fail=0
for f in "${faults[@]}"; do
  if ! cut -d'|' -f2 <<<"$table" | grep -qF -- " $f "; then
    echo "check_reliability_table: no row for the fault '$f'" >&2
    fail=1
  fi
done

rows=0
while IFS= read -r row; do
  rows=$((rows + 1))
  fault="$(cut -d'|' -f2 <<<"$row" | sed 's/^ *//; s/ *$//')"
  status="$(cut -d'|' -f3 <<<"$row" | tr -dc '0-9')"
  test_name="$(awk -F'|' '{print $(NF-1)}' <<<"$row" | sed 's/^ *`//; s/` *$//' | tr '\001' '|')"
  # The test's body: from its TEST_CASE line to the next TEST_CASE.
  body="$(awk -v name="TEST_CASE(\"$test_name\")" '
    index($0, "TEST_CASE(") == 1 { inside = (index($0, name) == 1) }
    inside { print }' "$e2e"/*_test.cpp)"
  if [ -z "$body" ]; then
    echo "check_reliability_table: '$fault': no e2e test named \"$test_name\"" >&2
    fail=1
  elif [ -z "$status" ] || ! grep -qF "exit_code == $status)" <<<"$body"; then
    echo "check_reliability_table: '$fault': \"$test_name\" does not assert exit status '$status'" >&2
    fail=1
  fi
done <<<"$table"

[ "$fail" -eq 0 ] && echo "check_reliability_table: $rows rows match the e2e tests"
exit "$fail"

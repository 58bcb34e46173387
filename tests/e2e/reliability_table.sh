#!/usr/bin/env bash
# The README's reliability table, generated from what the fault tests observe:
#   tests/e2e/reliability_table.sh --check README.md [BIN_DIR]  # fails, with a diff, when the README differs
#   tests/e2e/reliability_table.sh --write README.md [BIN_DIR]  # rewrites the table between its markers
#   tests/e2e/reliability_table.sh --print [BIN_DIR]            # prints the table
# It runs the end-to-end tests tagged [reliability] (from BIN_DIR: e2e_tests and e2e_mcp_tests;
# default $OCHAT_E2E_BIN_DIR, else the current directory when it holds them, as under CTest, else
# build/tests/e2e) with OCHAT_RELIABILITY_LOG set: each test appends what its run of ochat showed
# (tests/e2e/reliability.hpp), and this script puts the records in the order of `faults` below.
# A listed fault that no test recorded, a record of a fault not listed, a fault recorded twice
# differently, or a failing test fails the script. Needs jq.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# The rows, in order: every fault the end-to-end tests inject that the README promises something about.
faults=(
  "server down" "HTTP 4xx/5xx" "server busy (HTTP 503), then free" "server always busy"
  "server hangs up before replying" "mid-stream error" "dropped connection"
  "break inside a UTF-8 character" "break during the thinking" "model restarts instead of continuing"
  "continuation refused" "every stream breaks"
  "mid-stream error, \`--retries 0\`" "dropped connection, \`--retries 0\`"
  "stream ends without done, \`--retries 0\`"
  "stall" "garbage line" "split UTF-8" "SIGINT" "SIGTERM" "closed stdout"
  "stdout write fails (full disk: /dev/full)"
  "plugin crash" "plugin hang" "plugin flood" "plugin --describe hangs"
  "MCP: server crashes mid-call" "MCP: call hangs" "MCP: server never answers initialize"
  "MCP: server writes only garbage" "second SIGINT while a server will not stop"
  "OpenAI: break inside tool-call deltas"
  "OpenAI: error event, \`--retries 0\`" "OpenAI: neither \`finish_reason\` nor \`[DONE]\`, \`--retries 0\`"
  "OpenAI: no \`[DONE]\` after a \`finish_reason\`"
  "OpenAI: \`finish_reason\`, then the connection stays open" "OpenAI: events cut across reads"
  "OpenAI: server quotes the API key"
  "binary standard input" "image sent to a model without vision"
  "conversation file truncated mid-line" "conversation file locked by another ochat"
)

usage() {
  echo "usage: $0 --check README.md [BIN_DIR] | --write README.md [BIN_DIR] | --print [BIN_DIR]" >&2
  exit 2
}
mode="${1:-}"
case "$mode" in
  --check | --write) [ $# -ge 2 ] || usage; readme="$2"; bin="${3:-}" ;;
  --print) bin="${2:-}" ;;
  *) usage ;;
esac
if [ -z "$bin" ]; then
  if [ -n "${OCHAT_E2E_BIN_DIR:-}" ]; then bin="$OCHAT_E2E_BIN_DIR"
  elif [ -x ./e2e_tests ] && [ -x ./e2e_mcp_tests ]; then bin="."
  else bin="$here/../../build/tests/e2e"
  fi
fi
for t in e2e_tests e2e_mcp_tests; do
  [ -x "$bin/$t" ] || { echo "reliability_table: no $bin/$t (build the tests, or pass BIN_DIR)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log="$work/records.jsonl"
: >"$log"
for t in e2e_tests e2e_mcp_tests; do
  if ! OCHAT_RELIABILITY_LOG="$log" "$bin/$t" "[reliability]" >"$work/$t.out" 2>&1; then
    cat "$work/$t.out" >&2
    echo "reliability_table: the [reliability] tests of $t failed; the table is not generated" >&2
    exit 1
  fi
done

# One row per fault; the cells are Markdown, with '|' escaped.
jq -rs '
  def code: if . == "" then "nothing"
            elif test("`") then "`` " + . + " ``"
            else "`" + . + "`" end;
  def cell: gsub("\\|"; "\\|");
  . as $records
  | ($ARGS.positional) as $faults
  | ([$records[].fault | select(. as $f | $faults | index($f) | not)] | unique) as $unlisted
  | if ($unlisted | length) > 0 then error("recorded, but not listed in reliability_table.sh: \($unlisted)") else . end
  | "| fault | exit | stdout | stderr | the model is told | end-to-end test |",
    "|---|---|---|---|---|---|",
    ($faults[] as $f
     | [$records[] | select(.fault == $f)] | unique as $rows
     | if ($rows | length) == 0 then error("no [reliability] test recorded the fault \"\($f)\"")
       elif ($rows | length) > 1 then error("the fault \"\($f)\" was recorded differently: \($rows)")
       else $rows[0] end
     | [.fault, (.exit | tostring), .stdout, (.stderr | code),
        (if .model == "" then "" else (.model | code) end), (.test | code)]
     | map(cell) | "| " + join(" | ") + " |")
' --args "${faults[@]}" <"$log" >"$work/table.md"

begin='<!-- reliability-table:begin -->'
end='<!-- reliability-table:end -->'
case "$mode" in
  --print)
    cat "$work/table.md"
    ;;
  --check)
    sed -n "/^$begin\$/,/^$end\$/p" "$readme" | sed '1d;$d' >"$work/readme.md"
    if [ ! -s "$work/readme.md" ]; then
      echo "reliability_table: no table between the reliability-table markers in $readme" >&2
      exit 1
    fi
    if ! diff -u --label "$readme" --label "generated from the tests" "$work/readme.md" "$work/table.md" >&2; then
      echo "reliability_table: the README's table differs from what the tests observe;" \
           "regenerate it with: tests/e2e/reliability_table.sh --write README.md" >&2
      exit 1
    fi
    echo "reliability_table: the README's table matches the $(($(wc -l <"$work/table.md") - 2)) faults the tests observe"
    ;;
  --write)
    grep -qx -- "$begin" "$readme" && grep -qx -- "$end" "$readme" ||
      { echo "reliability_table: $readme lacks the reliability-table markers" >&2; exit 1; }
    awk -v begin="$begin" -v end="$end" -v table="$work/table.md" '
      $0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
      $0 == end { skip = 0 }
      !skip { print }' "$readme" >"$work/readme.new"
    cat "$work/readme.new" >"$readme"
    echo "reliability_table: wrote $(($(wc -l <"$work/table.md") - 2)) rows into $readme"
    ;;
esac

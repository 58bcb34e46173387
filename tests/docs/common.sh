# shellcheck shell=bash disable=SC2034  # fake_port is for the scripts that source this
# Helpers for the docs tests; sourced by bash. Exit status 77 tells ctest a test was skipped.

failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

skip() {
  echo "SKIP: $*"
  exit 77
}

# Ends the test: status 1 if anything failed.
finish() {
  if ((failures > 0)); then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
  exit 0
}

# The option names `ochat --help` lists, sorted, one a line: "--model", "-m", "--think"...
help_options() {
  "$1" --help | sed -n 's/^  \(-[^ ]*\).*/\1/p' | tr ',' '\n' | sed 's/\[=.*//' | LC_ALL=C sort -u
}

# expect_lines WHAT EXPECTED ACTUAL: compares two newline-separated lists as sorted sets.
expect_lines() {
  local what=$1 expected actual
  expected=$(printf '%s\n' "$2" | sed '/^$/d' | LC_ALL=C sort -u)
  actual=$(printf '%s\n' "$3" | sed '/^$/d' | LC_ALL=C sort -u)
  if [[ $expected == "$actual" ]]; then
    echo "ok: $what"
  else
    fail "$what"
    diff -u --label expected --label offered <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") >&2
  fi
}

# Writes DIR/curl, a stand-in for curl(1) that appends its arguments (one a line, then "--")
# to $FAKE_CURL_LOG and prints an /api/tags reply, or fails like an unreachable server when
# FAKE_CURL_FAIL is set.
make_fake_curl() {
  cat >"$1/curl" <<'SCRIPT'
#!/bin/sh
printf '%s\n' "$@" -- >>"$FAKE_CURL_LOG"
if [ -n "${FAKE_CURL_FAIL-}" ]; then exit 7; fi
printf '%s' '{"models":[{"name":"qwen3:8b","model":"qwen3:8b","details":{"format":"gguf","families":["qwen3"]},"capabilities":["completion","tools"]},'
printf '%s\n' '{ "name" : "llama3.2:latest", "model": "llama3.2:latest" }]}'
SCRIPT
  chmod +x "$1/curl"
}

# The URL the last fake curl call asked for (its last argument).
fake_curl_url() {
  awk '$0 == "--" { print last } { last = $0 }' "$FAKE_CURL_LOG" | tail -n 1
}

# check_url WHAT EXPECTED_URL LINE: completing LINE with complete_line (defined by the test)
# makes curl ask for EXPECTED_URL. Set OLLAMA_HOST for it by prefixing the call.
check_url() {
  : >"$FAKE_CURL_LOG"
  complete_line "$3" >/dev/null
  if [[ $(fake_curl_url) == "$2" ]]; then
    echo "ok: $1"
  else
    fail "$1: curl got '$(fake_curl_url)', expected '$2'"
  fi
}

fake_curl_had_max_time() {
  grep -qx -- '--max-time' "$FAKE_CURL_LOG"
}

# Starts the fake Ollama server (tests/support) in the background; sets fake_port and
# fake_pid. Returns 1 when it does not come up.
start_fake_ollama() {
  local bin=$1 dir=$2 i
  "$bin" --port-file "$dir/port" 2>"$dir/fake-ollama.log" &
  fake_pid=$!
  for ((i = 0; i < 100; i++)); do
    if [[ -s $dir/port ]]; then
      fake_port=$(<"$dir/port")
      return 0
    fi
    sleep 0.05
  done
  return 1
}

stop_fake_ollama() {
  if [[ -n ${fake_pid-} ]]; then
    kill "$fake_pid" 2>/dev/null
    wait "$fake_pid" 2>/dev/null
    fake_pid=
  fi
}

# The checks every shell's completion shares; each script defines complete_line LINE first.
# check_format_and_models TMP REAL_PATH: --format offers json and files; -m asks the server of
# OLLAMA_HOST, --host or --host= (through the fake curl in TMP/bin), with a time limit, and
# offers nothing when it does not answer.
check_format_and_models() {
  local tmp=$1 real_path=$2
  touch "$tmp/work/schema.json"
  expect_lines "--format offers json and files" "$(printf '%s\n' json schema.json)" \
    "$(cd "$tmp/work" && complete_line 'ochat --format ')"

  PATH=$tmp/bin:$real_path
  : >"$FAKE_CURL_LOG"
  expect_lines "-m offers the server's models" "$(printf '%s\n' qwen3:8b llama3.2:latest)" \
    "$(OLLAMA_HOST=0.0.0.0 complete_line 'ochat -m ')"
  [[ $(fake_curl_url) == http://127.0.0.1:11434/api/tags ]] || fail "OLLAMA_HOST=0.0.0.0: curl got $(fake_curl_url)"
  fake_curl_had_max_time || fail "curl was not given --max-time"
  check_url "--host=URL names the server" https://example.com/ollama/api/tags \
    'ochat --host=https://example.com/ollama --model '
  check_url "--host URL names the server" http://gpu-box:8080/api/tags 'ochat --host gpu-box:8080 -m '
  expect_lines "an unreachable server offers nothing" "" "$(FAKE_CURL_FAIL=1 complete_line 'ochat -m ')"
  PATH=$real_path
}

# check_real_server FAKE_OLLAMA TMP: -m lists the models of the fake Ollama server through the
# real curl (left out, with a note, when either is missing).
check_real_server() {
  local fake_ollama=$1 tmp=$2
  if [[ -n $fake_ollama ]] && command -v curl >/dev/null; then
    if start_fake_ollama "$fake_ollama" "$tmp"; then
      expect_lines "-m lists the models of a real server" "$(printf '%s\n' qwen3:8b llama3.2:latest)" \
        "$(complete_line "ochat --host 127.0.0.1:$fake_port -m ")"
      stop_fake_ollama
    else
      fail "fake-ollama did not start: $(cat "$tmp/fake-ollama.log")"
    fi
  else
    echo "note: no fake-ollama or curl; the check against a real server was left out"
  fi
}

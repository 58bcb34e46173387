# shellcheck shell=bash
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

# Starts the fake Ollama server (tests/support) in the background; sets fake_port and
# fake_pid. Returns 1 when it does not come up.
start_fake_ollama() {
  local bin=$1 dir=$2 i
  rm -f "$dir/port"
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

# check_format: --format offers json and the files of the working directory (TMP/work).
check_format() {
  local tmp=$1
  touch "$tmp/work/schema.json"
  expect_lines "--format offers json and files" "$(printf '%s\n' json schema.json)" \
    "$(cd "$tmp/work" && complete_line 'ochat --format ')"
}

# check_conversations OCHAT TMP: --chat and --show offer the names of the saved conversations
# (what `ochat --conversations` lists, in $XDG_STATE_HOME) and the files of the working
# directory.
check_conversations() {
  local bin=$1 tmp=$2 real_path=$PATH dir=$tmp/state/ochat/conversations
  mkdir -p "$dir" "$tmp/bin" "$tmp/conv-work"
  [[ -e $tmp/bin/ochat ]] || ln -s "$bin" "$tmp/bin/ochat"
  local header='{"ochat":"conversation","version":1,"created":"x","settings":{"model":"m"}}'
  printf '%s\n' "$header" >"$dir/work.jsonl"
  printf '%s\n' "$header" >"$dir/review.jsonl"
  touch "$tmp/conv-work/notes.jsonl"
  PATH=$tmp/bin:$real_path
  export XDG_STATE_HOME=$tmp/state
  expect_lines "--chat offers the saved names and files" "$(printf '%s\n' work review notes.jsonl)" \
    "$(cd "$tmp/conv-work" && complete_line 'ochat --chat ')"
  expect_lines "--show offers the saved names and files" "$(printf '%s\n' work review notes.jsonl)" \
    "$(cd "$tmp/conv-work" && complete_line 'ochat --show ')"
  expect_lines "--chat with a prefix" "work" "$(cd "$tmp/conv-work" && complete_line 'ochat --chat wo')"
  unset XDG_STATE_HOME
  PATH=$real_path
}

# check_attach: -a and --attach offer the files of the working directory (TMP/work).
check_attach() {
  local tmp=$1 files
  touch "$tmp/work/photo.jpg" "$tmp/work/notes.txt"
  files=$(cd "$tmp/work" && ls -1)
  expect_lines "-a offers files" "$files" "$(cd "$tmp/work" && complete_line 'ochat -a ')"
  expect_lines "--attach offers files" "$files" "$(cd "$tmp/work" && complete_line 'ochat -m x --attach ')"
  expect_lines "-a p offers photo.jpg" "photo.jpg" "$(cd "$tmp/work" && complete_line 'ochat -a p')"
}

# Puts into TMP/bin an `ochat` that runs OCHAT, and into TMP/decoy an `ochat` that offers
# only "decoy:model", to tell which one a completion ran.
make_ochats() {
  local bin=$1 tmp=$2
  mkdir -p "$tmp/bin" "$tmp/decoy"
  ln -s "$bin" "$tmp/bin/ochat"
  printf '#!/bin/sh\necho decoy:model\n' >"$tmp/decoy/ochat"
  chmod +x "$tmp/decoy/ochat"
}

# The checks every shell's completion shares; each script defines complete_line LINE first.
# check_models OCHAT FAKE_OLLAMA TMP: -m offers what the ochat being completed lists with
# the command line's --host, --api and --api-key-file (from the fake Ollama server), and
# nothing, silently, when that fails.
check_models() {
  local bin=$1 fake_ollama=$2 tmp=$3 real_path=$PATH models openai_models url
  if [[ -z $fake_ollama ]]; then
    fail "no fake-ollama binary given: the model completion was not checked"
    return
  fi
  if ! start_fake_ollama "$fake_ollama" "$tmp"; then
    fail "fake-ollama did not start: $(cat "$tmp/fake-ollama.log")"
    return
  fi
  make_ochats "$bin" "$tmp"
  models=$(printf '%s\n' qwen3:8b llama3.2:latest)
  openai_models=$(printf '%s\n' text llama reasoning tool)
  url=http://127.0.0.1:$fake_port
  # Port 1 on loopback: nothing listens there, the connection is refused at once.
  export OLLAMA_HOST=127.0.0.1:1 OPENAI_BASE_URL=http://127.0.0.1:1/v1
  unset OCHAT_API OCHAT_API_KEY OPENAI_API_KEY

  PATH=$tmp/bin:$real_path
  expect_lines "-m offers the models of OLLAMA_HOST" "$models" \
    "$(OLLAMA_HOST=127.0.0.1:$fake_port complete_line 'ochat -m ')"
  expect_lines "--host URL names the server" "$models" "$(complete_line "ochat --host $url -m ")"
  expect_lines "--host=URL names the server" "$models" "$(complete_line "ochat --host=$url --model ")"
  expect_lines "--host 'URL' is unquoted" "$models" "$(complete_line "ochat --host '$url' -m ")"
  expect_lines "--api openai lists BASE/models" "$openai_models" \
    "$(complete_line "ochat --api openai --host $url/v1 -m ")"
  expect_lines "--api=openai lists BASE/models" "$openai_models" \
    "$(complete_line "ochat --host $url/v1 --api=openai -m ")"
  printf 'sk-test\n' >"$tmp/my key"
  cp "$tmp/my key" "$tmp/my-key"
  expect_lines "--api-key-file 'FILE' is unquoted" "$models" \
    "$(complete_line "ochat --host $url --api-key-file '$tmp/my key' -m ")"
  expect_lines "--api-key-file ~/FILE: ~ is expanded" "$models" \
    "$(HOME=$tmp complete_line "ochat --host $url --api-key-file ~/my-key -m ")"
  expect_lines "--api 'openai' is unquoted" "$openai_models" \
    "$(complete_line "ochat --api 'openai' --host $url/v1 -m ")"
  expect_lines "--api-key-file is passed on (a missing file: nothing)" "" \
    "$(complete_line "ochat --host $url --api-key-file $tmp/no-such-key -m " 2>&1)"
  expect_lines "nothing after --" "" "$(complete_line "ochat --host $url -- -m " 2>&1)"
  expect_lines "an unreachable server offers nothing, silently" "" \
    "$(complete_line 'ochat -m ' 2>&1)"

  PATH=$tmp/decoy:$real_path
  expect_lines "the ochat on the command line is run, not the one on PATH" "$models" \
    "$(complete_line "$bin --host $url -m ")"
  # shellcheck disable=SC2088  # the ~ is for the completion to expand
  expect_lines "the ochat on the command line, ~ expanded" "$models" \
    "$(HOME=$tmp complete_line "~/bin/ochat --host $url -m ")"
  PATH=$tmp/bin:$real_path
  expect_lines "an ochat that cannot be found: the one on PATH is run" "$models" \
    "$(complete_line "$tmp/nowhere/ochat --host $url -m ")"
  PATH=$real_path
  unset OLLAMA_HOST OPENAI_BASE_URL
  stop_fake_ollama
}

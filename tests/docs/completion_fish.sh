#!/bin/bash
# Loads completions/ochat.fish into fish and checks what it offers.
# Usage: completion_fish.sh OCHAT SOURCE_DIR [FAKE_OLLAMA]
bin=$1
src=$2
fake_ollama=${3-}
# shellcheck source=common.sh
. "$src/tests/docs/common.sh"

command -v fish >/dev/null || skip "fish is not installed: apt-get install fish"

tmp=$(mktemp -d)
trap 'stop_fake_ollama; rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/work" "$tmp/home"
make_fake_curl "$tmp/bin"
export FAKE_CURL_LOG=$tmp/curl.log
real_path=$PATH
# fish writes its history and variables under these.
export XDG_CONFIG_HOME=$tmp/home XDG_DATA_HOME=$tmp/home

# Prints what fish offers for LINE (cursor at the end), one a line, without descriptions.
complete_line() {
  # shellcheck disable=SC2016  # fish expands $argv itself
  fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$src/completions/ochat.fish" "$1" | cut -f 1
}

# fish offers --think and --think= for a flag with an optional value; both mean --think.
expect_lines "ochat --mo offers --model" "--model" "$(complete_line 'ochat --mo')"
expect_lines "ochat - offers the options of ochat --help" "$(help_options "$bin")" \
  "$(complete_line 'ochat -' | sed 's/=$//')"
expect_lines "ochat --think= offers the levels" "$(printf -- '--think=%s\n' low medium high max)" \
  "$(complete_line 'ochat --think=')"
expect_lines "a word after a bare --think is the prompt" "" "$(complete_line 'ochat --think ')"
expect_lines "nothing is offered for a free value" "" "$(complete_line 'ochat --system ')"

touch "$tmp/work/schema.json"
expect_lines "--format offers json and files" "$(printf '%s\n' json schema.json)" \
  "$(cd "$tmp/work" && complete_line 'ochat --format ')"

export PATH=$tmp/bin:$real_path
: >"$FAKE_CURL_LOG"
expect_lines "-m offers the server's models" "$(printf '%s\n' qwen3:8b llama3.2:latest)" \
  "$(OLLAMA_HOST=0.0.0.0 complete_line 'ochat -m ')"
[[ $(fake_curl_url) == http://127.0.0.1:11434/api/tags ]] || fail "OLLAMA_HOST=0.0.0.0: curl got $(fake_curl_url)"
fake_curl_had_max_time || fail "curl was not given --max-time"
check_url "--host=URL names the server" https://example.com/ollama/api/tags 'ochat --host=https://example.com/ollama --model '
check_url "--host URL names the server" http://gpu-box:8080/api/tags 'ochat --host gpu-box:8080 -m '
expect_lines "an unreachable server offers nothing" "" "$(FAKE_CURL_FAIL=1 complete_line 'ochat -m ')"
export PATH=$real_path

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
finish

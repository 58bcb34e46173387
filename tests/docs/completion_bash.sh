#!/bin/bash
# Loads completions/ochat.bash into bash with bash-completion and checks what it offers.
# Usage: completion_bash.sh OCHAT SOURCE_DIR [FAKE_OLLAMA]
bin=$1
src=$2
fake_ollama=${3-}
# shellcheck source=common.sh
. "$src/tests/docs/common.sh"

bash_completion=/usr/share/bash-completion/bash_completion
[[ -r $bash_completion ]] || skip "bash-completion is not installed ($bash_completion): apt-get install bash-completion"
# shellcheck source=/dev/null
. "$bash_completion"
# shellcheck source=/dev/null
. "$src/completions/ochat.bash"

tmp=$(mktemp -d)
trap 'stop_fake_ollama; rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/work"
make_fake_curl "$tmp/bin"
export FAKE_CURL_LOG=$tmp/curl.log
real_path=$PATH

# Splits $1 into COMP_WORDS the way readline does (each run of COMP_WORDBREAKS characters
# other than blanks is a word of its own, so "--think=" gives "--think" "="), the cursor at
# the end; no quoting.
split_like_readline() {
  local line=$1 breaks=${COMP_WORDBREAKS//[[:space:]]/} word='' kind='' c i
  COMP_WORDS=()
  for ((i = 0; i < ${#line}; i++)); do
    c=${line:i:1}
    if [[ $c == [[:space:]] ]]; then
      [[ -n $word ]] && COMP_WORDS+=("$word")
      word='' kind=''
    elif [[ $breaks == *"$c"* ]]; then
      [[ -n $word && $kind != break ]] && COMP_WORDS+=("$word") && word=
      word+=$c kind=break
    else
      [[ -n $word && $kind == break ]] && COMP_WORDS+=("$word") && word=
      word+=$c kind=text
    fi
  done
  COMP_WORDS+=("$word")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
}

# Prints what completing LINE (cursor at the end) offers, one a line.
complete_line() {
  local COMP_WORDS COMP_CWORD COMP_LINE=$1 COMP_POINT=${#1} COMPREPLY=()
  split_like_readline "$1"
  _ochat ochat "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  ((${#COMPREPLY[@]} > 0)) && printf '%s\n' "${COMPREPLY[@]}"
  return 0
}

[[ $(complete -p ochat 2>/dev/null) == *"-F _ochat"* ]] || fail "the script does not register _ochat for ochat"

expect_lines "ochat --mo offers --model" "--model" "$(complete_line 'ochat --mo')"
expect_lines "ochat - offers the options of ochat --help" "$(help_options "$bin")" "$(complete_line 'ochat -')"
expect_lines "ochat -- offers the long options of ochat --help" \
  "$(help_options "$bin" | grep -e '^--')" "$(complete_line 'ochat --')"
expect_lines "ochat --think= offers the levels" "$(printf '%s\n' low medium high max)" "$(complete_line 'ochat --think=')"
expect_lines "ochat --think=h offers high" "high" "$(complete_line 'ochat --think=h')"
expect_lines "a word after a bare --think is the prompt" "" "$(complete_line 'ochat --think hi')"
expect_lines "nothing is offered for a free value" "" "$(complete_line 'ochat --system ')"
expect_lines "nothing is offered after --" "" "$(complete_line 'ochat -- -')"

touch "$tmp/work/schema.json"
expect_lines "--format offers json and files" "$(printf '%s\n' json schema.json)" \
  "$(cd "$tmp/work" && complete_line 'ochat --format ')"

PATH=$tmp/bin:$real_path
: >"$FAKE_CURL_LOG"
expect_lines "-m offers the server's models" "$(printf '%s\n' qwen3:8b llama3.2:latest)" \
  "$(OLLAMA_HOST='' complete_line 'ochat -m ')"
[[ $(fake_curl_url) == http://127.0.0.1:11434/api/tags ]] || fail "default server: curl got $(fake_curl_url)"
fake_curl_had_max_time || fail "curl was not given --max-time"
expect_lines "model names with a colon complete after the colon" "latest" \
  "$(complete_line 'ochat --model llama3.2:la')"
expect_lines "--model= offers the models" "qwen3:8b" "$(complete_line 'ochat --model=q')"

OLLAMA_HOST=0.0.0.0 check_url "OLLAMA_HOST=0.0.0.0 means loopback" http://127.0.0.1:11434/api/tags 'ochat -m '
OLLAMA_HOST=gpu-box:8080 check_url "OLLAMA_HOST with a port" http://gpu-box:8080/api/tags 'ochat -m '
OLLAMA_HOST=' "https://example.com/ollama/" ' check_url "OLLAMA_HOST with quotes, a scheme and a path" \
  https://example.com/ollama/api/tags 'ochat -m '
OLLAMA_HOST='[::]:11500' check_url "OLLAMA_HOST=[::]:11500 means loopback" 'http://[::1]:11500/api/tags' 'ochat -m '
OLLAMA_HOST=http://gpu-box check_url "http:// without a port means port 80" http://gpu-box/api/tags 'ochat -m '
OLLAMA_HOST=ollama.com check_url "ollama.com means https" https://ollama.com/api/tags 'ochat -m '
OLLAMA_HOST=gpu-box check_url "--host overrides OLLAMA_HOST" http://other:11434/api/tags 'ochat --host other -m '
OLLAMA_HOST=gpu-box check_url "--host=URL overrides OLLAMA_HOST" http://other:9/api/tags \
  'ochat --host=http://other:9 --model '

: >"$FAKE_CURL_LOG"
out=$(FAKE_CURL_FAIL=1 complete_line 'ochat -m ' 2>&1)
expect_lines "an unreachable server offers nothing, silently" "" "$out"
PATH=$real_path

# The real thing: curl against the fake Ollama server.
check_real_server "$fake_ollama" "$tmp"
finish

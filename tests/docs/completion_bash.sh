#!/bin/bash
# Loads completions/ochat.bash into bash with bash-completion (or, with --plain, without it:
# a bash whose user sources the script from ~/.bashrc) and checks what it offers, and that
# it writes nothing on stderr.
# Usage: completion_bash.sh OCHAT SOURCE_DIR [FAKE_OLLAMA] [--plain]
bin=$1
src=$2
fake_ollama=${3-}
plain=${4-}
# shellcheck source=common.sh
. "$src/tests/docs/common.sh"

if [[ $plain == --plain ]]; then
  echo "bash without bash-completion"
else
  bash_completion=/usr/share/bash-completion/bash_completion
  [[ -r $bash_completion ]] || skip "bash-completion is not installed ($bash_completion): apt-get install bash-completion"
  # shellcheck source=/dev/null
  . "$bash_completion"
fi
# shellcheck source=/dev/null
. "$src/completions/ochat.bash"
if [[ $plain == --plain ]] && declare -F _init_completion _filedir __ltrim_colon_completions dequote >/dev/null; then
  fail "bash-completion's helpers are loaded: the test would not show the script working without them"
fi

tmp=$(mktemp -d)
trap 'stop_fake_ollama; rm -rf "$tmp"' EXIT
mkdir "$tmp/work"

# Splits $1 into COMP_WORDS the way readline does (each run of COMP_WORDBREAKS characters
# other than blanks is a word of its own, so "--think=" gives "--think" "="; text between
# single quotes stays in its word, quotes included), the cursor at the end.
split_like_readline() {
  local line=$1 breaks=${COMP_WORDBREAKS//[[:space:]\'\"]/} word='' kind='' c i quoted=
  COMP_WORDS=()
  for ((i = 0; i < ${#line}; i++)); do
    c=${line:i:1}
    if [[ -n $quoted ]]; then
      word+=$c
      [[ $c == "'" ]] && quoted=
    elif [[ $c == "'" ]]; then
      [[ -n $word && $kind == break ]] && COMP_WORDS+=("$word") && word=
      word+=$c kind=text quoted=yes
    elif [[ $c == [[:space:]] ]]; then
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
  _ochat ochat "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>"$tmp/stderr"
  # complete_line runs in $(...): the failure is counted at the end, from this file.
  [[ -s $tmp/stderr ]] && printf "completing '%s' wrote on stderr: %s\n" "$1" "$(cat "$tmp/stderr")" >>"$tmp/stderr.log"
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

check_format "$tmp"
check_attach "$tmp"
check_models "$bin" "$fake_ollama" "$tmp"
check_conversations "$bin" "$tmp"

# Model names hold colons, which readline breaks words at.
start_fake_ollama "$fake_ollama" "$tmp" || fail "fake-ollama did not start"
# shellcheck disable=SC2154  # fake_port is set by start_fake_ollama
PATH=$tmp/bin:$PATH OLLAMA_HOST=127.0.0.1:$fake_port
export OLLAMA_HOST
expect_lines "model names with a colon complete after the colon" "latest" \
  "$(complete_line 'ochat --model llama3.2:la')"
expect_lines "--model= offers the models" "qwen3:8b" "$(complete_line 'ochat --model=q')"
stop_fake_ollama
[[ -s $tmp/stderr.log ]] && fail "$(cat "$tmp/stderr.log")"
finish

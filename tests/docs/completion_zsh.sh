#!/bin/bash
# Loads completions/_ochat into zsh (compinit) and checks what it offers.
# Usage: completion_zsh.sh OCHAT SOURCE_DIR [FAKE_OLLAMA]
bin=$1
src=$2
fake_ollama=${3-}
# shellcheck source=common.sh
. "$src/tests/docs/common.sh"

command -v zsh >/dev/null || skip "zsh is not installed: apt-get install zsh"

tmp=$(mktemp -d)
trap 'stop_fake_ollama; rm -rf "$tmp"' EXIT
mkdir "$tmp/work"

# Prints what zsh offers for LINE (cursor at the end), one a line.
complete_line() {
  local out status
  out=$(TMPDIR=$tmp zsh -f "$src/tests/docs/zsh_capture.zsh" "$src/completions" "$1")
  status=$?
  ((status == 77)) && skip "zsh lacks the zsh/zpty module"
  ((status != 0)) && fail "zsh did not complete '$1'"
  printf '%s\n' "$out"
}

expect_lines "ochat --mo offers --model" "--model" "$(complete_line 'ochat --mo')"
expect_lines "ochat - offers the options of ochat --help" "$(help_options "$bin")" "$(complete_line 'ochat -')"
expect_lines "ochat --think= offers the levels" "$(printf '%s\n' low medium high max)" \
  "$(complete_line 'ochat --think=')"
expect_lines "-m is not offered again" "" "$(complete_line 'ochat -m x --mod' | grep -e --model)"
expect_lines "-o can be given again" "--option" "$(complete_line 'ochat -o a=1 --opt')"

check_format "$tmp"
check_attach "$tmp"
check_models "$bin" "$fake_ollama" "$tmp"
check_conversations "$bin" "$tmp"
finish

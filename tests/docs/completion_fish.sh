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
mkdir "$tmp/work" "$tmp/home"
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

check_format "$tmp"
check_attach "$tmp"
check_models "$bin" "$fake_ollama" "$tmp"
check_conversations "$bin" "$tmp"
finish

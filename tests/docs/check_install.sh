#!/bin/bash
# `cmake --install` puts the binary, the man page and the completions where bash-completion,
# zsh and fish look for them, and `man -l` renders the installed page.
# Usage: check_install.sh CMAKE_COMMAND BUILD_DIR SOURCE_DIR
cmake=$1
build=$2
src=$3
# shellcheck source=common.sh
. "$src/tests/docs/common.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log" >&2
  fail "cmake --install failed"
  finish
}

declare -A installed=(
  [bin/ochat]=""
  [share/man/man1/ochat.1]=man/ochat.1
  [share/bash-completion/completions/ochat]=completions/ochat.bash
  [share/zsh/vendor-completions/_ochat]=completions/_ochat
  [share/fish/vendor_completions.d/ochat.fish]=completions/ochat.fish
)
[[ -f $src/man/ochat-plugins.7 ]] && installed[share/man/man7/ochat-plugins.7]=man/ochat-plugins.7
for path in "${!installed[@]}"; do
  if [[ ! -f $prefix/$path ]]; then
    fail "$path was not installed"
  elif [[ -n ${installed[$path]} ]] && ! cmp -s "$prefix/$path" "$src/${installed[$path]}"; then
    fail "$path differs from ${installed[$path]}"
  else
    echo "ok: $path"
  fi
done
if [[ $("$prefix/bin/ochat" --version 2>&1) != "ochat "* ]]; then fail "bin/ochat --version"; fi

# The shells find the completions under the prefix the way they find vendor completions.
if [[ -r /usr/share/bash-completion/bash_completion ]]; then
  out=$(XDG_DATA_DIRS=$prefix/share bash -c '
    . /usr/share/bash-completion/bash_completion
    __load_completion ochat && complete -p ochat' 2>&1)
  if [[ $out == *"-F _ochat"* ]]; then
    echo "ok: bash-completion loads it from XDG_DATA_DIRS"
  else
    fail "bash-completion did not load share/bash-completion/completions/ochat: $out"
  fi
fi
if command -v fish >/dev/null; then
  # fish autoloads a command's completions only when the command is on PATH; --no-config
  # would also skip the vendor directories.
  out=$(PATH=$prefix/bin:$PATH XDG_DATA_DIRS=$prefix/share XDG_CONFIG_HOME=$tmp XDG_DATA_HOME=$tmp \
    fish -c 'complete -C"ochat --mo"' 2>&1)
  if [[ $out == --model* ]]; then
    echo "ok: fish loads it from XDG_DATA_DIRS"
  else
    fail "fish did not load share/fish/vendor_completions.d/ochat.fish: $out"
  fi
fi
if command -v zsh >/dev/null; then
  out=$(TMPDIR=$tmp zsh -f -c 'fpath=($1 $fpath); autoload -Uz compinit && compinit -u -D -d "${TMPDIR:-/tmp}/ochat-zcompdump-$$"; print -r -- $_comps[ochat]' \
    zsh "$prefix/share/zsh/vendor-completions" 2>&1)
  if [[ $out == _ochat ]]; then
    echo "ok: compinit registers _ochat for ochat"
  else
    fail "compinit did not register _ochat: $out"
  fi
fi

command -v man >/dev/null || skip "man is not installed (apt-get install man-db); the files are in place"
out=$(LC_ALL=C MANWIDTH=80 man -l -P cat "$prefix/share/man/man1/ochat.1" 2>"$tmp/man.err")
for heading in NAME SYNOPSIS DESCRIPTION OPTIONS EVENTS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
  grep -qx "$heading" <<<"$out" || fail "man -l: no $heading section in the rendered page"
done
grep -q -- "--model NAME" <<<"$out" || fail "man -l: --model is not in the rendered page"
[[ -s $tmp/man.err ]] && fail "man -l wrote on stderr: $(cat "$tmp/man.err")"
((failures == 0)) && echo "ok: man -l renders it"
finish

# Sourced by the interactive zsh that zsh_capture.zsh drives: loads the completion system
# with $CAPTURE_FPATH first in fpath, and prints every match the completion adds. Its dump
# file goes to $TMPDIR, which the calling test owns and removes.
PS1='' PS2='' RPS1=''
unsetopt beep
fpath=($CAPTURE_FPATH $fpath)
autoload -Uz compinit && compinit -u -D -d "${TMPDIR:-/tmp}/ochat-zcompdump-$$"
zstyle ':completion:*' list-prompt ''
zstyle ':completion:*' select-prompt ''

# Calls that only collect matches into arrays (-O, -A, -D) pass through; the others print
# the matches they add (after matching against the word), then add them.
compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a __matches
  builtin compadd -A __matches "$@"
  local m
  for m in $__matches; do print -r -- "@@M""ATCH@@$m"; done
  builtin compadd "$@"
}

__capture_done() {
  print -r -- "@@E""ND@@"
  exit
}
comppostfuncs=(__capture_done)

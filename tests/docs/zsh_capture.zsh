# Prints the matches zsh's completion system offers for a command line, one a line, by
# typing it and a Tab into an interactive zsh on a pseudo-terminal, and any line of the
# terminal that holds "ochat: " (a message ochat printed there).
# Usage: zsh -f zsh_capture.zsh FPATH_DIR 'ochat --mo'
# Exit status: 0, 77 without the zsh/zpty module, 1 when zsh does not answer in 20 s.
zmodload zsh/zpty 2>/dev/null || exit 77
zpty capture env CAPTURE_FPATH=$1 zsh -f -i || exit 1
zpty -w capture "source ${0:A:h}/zsh_capture_rc.zsh"
zpty -wn capture "$2"$'\t'
local out= line
local -i deadline=$(( SECONDS + 20 ))
while (( SECONDS < deadline )); do
  if zpty -rt capture line; then
    out+=$line
    [[ $line == *@@END@@* ]] && break
  else
    sleep 0.05
  fi
done
zpty -d capture
[[ $out == *@@END@@* ]] || { print -u2 "zsh_capture: no answer from zsh; it printed: $out"; exit 1 }
for line in ${(f)out}; do
  if [[ $line == *@@MATCH@@* ]]; then
    print -r -- ${${line#*@@MATCH@@}%%$'\r'}
  elif [[ $line == *"ochat: "* ]]; then
    print -r -- ${line%%$'\r'}  # a message from ochat on the terminal
  fi
done
exit 0

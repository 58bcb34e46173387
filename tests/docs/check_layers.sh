#!/usr/bin/env bash
# Fails when an include points the wrong way between the layers that ARCHITECTURE.md describes:
# a core/ folder may include its own files and those of lower layers only; core/ never includes
# cmd/ or CLI11 and never writes to std::cout or std::cerr. Keep the table in step with
# ARCHITECTURE.md ("Layers").
set -uo pipefail
cd "$(dirname "$0")/../.."

# Layer of each core/ folder; "." is core/ itself (error.hpp).
declare -A layer=(
  [.]=0
  [text]=1 [io]=1 [ndjson]=1 [sse]=1 [sys]=1
  [http]=2
  [events]=3
  [chat]=4
  [ollama]=5 [openai]=5 [tools]=5 [conversation]=5 [attach]=5
  [config]=6
  [batch]=7 [interactive]=7
)

folder_of() {  # core/chat/turn.cpp -> chat; core/error.hpp -> .
  local rest=${1#core/}
  case "$rest" in */*) echo "${rest%%/*}" ;; *) echo . ;; esac
}

status=0
fail() { echo "check_layers: $*" >&2; status=1; }

while IFS= read -r file; do
  from=$(folder_of "$file")
  if [ -z "${layer[$from]+x}" ]; then
    fail "$file: the folder core/$from has no layer: add it to tests/docs/check_layers.sh and ARCHITECTURE.md"
    continue
  fi
  while IFS=: read -r line include; do
    to_path=${include#*\"}
    to_path=${to_path%\"*}
    case "$to_path" in
      cmd/*) fail "$file:$line: core/ includes $to_path (cmd/ sits on top of core/, never below)" ;;
      core/*)
        to=$(folder_of "$to_path")
        [ "$to" = "$from" ] && continue
        if [ -z "${layer[$to]+x}" ]; then
          fail "$file:$line: includes $to_path, whose folder has no layer"
        elif [ "${layer[$to]}" -ge "${layer[$from]}" ]; then
          fail "$file:$line: core/$from (layer ${layer[$from]}) includes $to_path (core/$to, layer ${layer[$to]}): includes point to lower layers only"
        fi
        ;;
    esac
  done < <(grep -n '^#include "' "$file" | sed 's/^\([0-9]*\):/\1:/')
  if grep -n '^#include <CLI/' "$file" >/dev/null; then fail "$file: core/ includes CLI11 (only cmd/ parses flags)"; fi
  if grep -nE 'std::(cout|cerr|clog)' "$file" >/dev/null; then fail "$file: core/ writes to std::cout/cerr (use io::FdStream)"; fi
done < <(find core -name '*.[ch]pp' | sort)

[ "$status" -eq 0 ] && echo "check_layers: every include of core/ points down the layers"
exit "$status"

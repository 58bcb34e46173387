#!/bin/bash
# man/ochat.1 is well-formed (mandoc -Tlint, groff -ww) and agrees with ochat --help and the
# --events code on what the generator cannot see.
# Usage: check_man.sh OCHAT SOURCE_DIR
bin=$1
src=$2
page=$src/man/ochat.1
# shellcheck source=common.sh
. "$src/tests/docs/common.sh"

pages=("$src"/man/*.[1-9])
if command -v mandoc >/dev/null; then
  for p in "${pages[@]}"; do
    # Warnings and worse fail; style notes (such as a missing cross-referenced page) are shown.
    out=$(mandoc -Tlint -W warning "$p" 2>&1)
    if [[ -z $out ]]; then echo "ok: mandoc -Tlint -W warning ${p##*/}"; else fail "mandoc -Tlint: $out"; fi
    mandoc -Tlint -W style "$p" 2>&1 | sed 's/^/note: /'
  done
else
  missing_tool="mandoc (apt-get install mandoc)"
fi
if command -v groff >/dev/null; then
  for p in "${pages[@]}"; do
    out=$(groff -ww -z -man "$p" 2>&1)
    if [[ -z $out ]]; then echo "ok: groff -ww -z -man ${p##*/}"; else fail "groff -ww: $out"; fi
  done
else
  missing_tool="${missing_tool:+$missing_tool, }groff (apt-get install groff-base)"
fi

# Every option of --help is in OPTIONS (generated, so this guards the generator itself).
for name in $(help_options "$bin"); do
  grep -qF -- "\\fB${name//-/\\-}\\fR" "$page" || fail "--help lists $name; man/ochat.1 does not"
done

# Every exit status of --help's footer has an entry in EXIT STATUS.
exit_section=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$page")
statuses=$("$bin" --help | sed -n '/^Exit status:/,/^$/p' | grep -oE '(^|[ :,])[0-9]+ [a-z]' | grep -oE '[0-9]+')
[[ -n $statuses ]] || fail "no exit statuses found in the --help footer"
for status in $statuses; do
  grep -qx ".B $status" <<<"$exit_section" || fail "--help lists exit status $status; EXIT STATUS does not"
done

# Every event type and field the JSON Lines sink writes is in EVENTS, in bold: the types from
# emit("TYPE", ...), the fields from {"field", ...} and put("field", ...).
events_section=$(sed -n '/^\.SH EVENTS/,/^\.SH /p' "$page")
sink=$src/core/events/json_lines_sink.cpp
types=$(grep -oE 'emit\("[a-z_]+"' "$sink" | cut -d'"' -f2)
fields=$(grep -oE '(\{|put\()"[a-z_]+",' "$sink" | cut -d'"' -f2)
[[ -n $types && -n $fields ]] || fail "no emit(\"TYPE\" or {\"field\", found in $sink: update this test"
for word in $types $fields; do
  grep -qE "^\.B[RI]? .*\b$word\b" <<<"$events_section" || fail "$sink writes '$word'; EVENTS does not mention it"
done
echo "ok: EVENTS names the $(wc -w <<<"$types") event types and $(sort -u <<<"$fields" | wc -l) fields the sink writes"

[[ -n ${missing_tool-} ]] && ((failures == 0)) && skip "not installed: $missing_tool"
finish

#!/bin/sh
# Fails when the committed man/ochat.1 (its generated OPTIONS part) or completions/* differ,
# byte for byte, from what the built ochat generates from cmd/cli.cpp.
# Usage: check_generated.sh OCHAT SOURCE_DIR
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sh "$src/man/regenerate.sh" "$bin" "$tmp" || exit 1
status=0
for f in man/ochat.1 completions/ochat.bash completions/_ochat completions/ochat.fish; do
  if cmp -s "$src/$f" "$tmp/$f"; then
    echo "ok: $f"
  else
    echo "FAIL: $f differs from what ochat generates:"
    diff -u --label "$f (committed)" --label "$f (generated)" "$src/$f" "$tmp/$f"
    status=1
  fi
done
# The generator stays hidden, and refuses what it does not know.
if "$bin" --help | grep -q -e --generate; then
  echo "FAIL: --help shows the hidden --generate"
  status=1
fi
"$bin" --generate nroff >/dev/null 2>&1
code=$?
if [ $code -ne 2 ]; then
  echo "FAIL: --generate nroff exited $code, not 2 (usage)"
  status=1
fi

if [ $status -ne 0 ]; then
  cat <<MSG

The flags in cmd/cli.cpp and the committed documents disagree. Regenerate them, check the
diff, and commit them with the change:
  $src/man/regenerate.sh $bin
or
  cmake --build <build dir> --target regenerate-docs
MSG
fi
exit $status

#!/bin/sh
# Rewrites what the ochat binary generates from its flag definitions (cmd/cli.cpp):
#   man/ochat.1                the part between the GENERATED OPTIONS markers
#   completions/ochat.bash     completions/_ochat     completions/ochat.fish
#
# Usage: man/regenerate.sh [BINARY [OUTPUT_DIR]]
#   BINARY      the ochat to ask (default: build/ochat in the source tree)
#   OUTPUT_DIR  where man/ and completions/ are written (default: the source tree);
#               tests/docs writes to a temporary directory and compares.
# Or: cmake --build BUILD_DIR --target regenerate-docs
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$src/build/ochat}
out=${2:-$src}

if [ ! -x "$bin" ]; then
  echo "regenerate.sh: $bin is not an executable; build ochat first or name it" >&2
  exit 1
fi
mkdir -p "$out/man" "$out/completions"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" --generate man >"$tmp/options.roff"
"$bin" --generate bash >"$tmp/ochat.bash"
"$bin" --generate zsh >"$tmp/_ochat"
"$bin" --generate fish >"$tmp/ochat.fish"

# Keep everything outside the markers, the marker lines included; put the generated part
# between them.
awk -v generated="$tmp/options.roff" '
  /^\.\\" BEGIN GENERATED OPTIONS/ {
    print
    while ((getline line < generated) > 0) print line
    inside = 1; begin++
    next
  }
  /^\.\\" END GENERATED OPTIONS/ { inside = 0; end++ }
  !inside { print }
  END { if (begin != 1 || end != 1) exit 3 }
' "$src/man/ochat.1" >"$tmp/ochat.1" || {
  echo "regenerate.sh: man/ochat.1 needs exactly one BEGIN and one END GENERATED OPTIONS line" >&2
  exit 1
}

mv "$tmp/ochat.1" "$out/man/ochat.1"
for f in ochat.bash _ochat ochat.fish; do mv "$tmp/$f" "$out/completions/$f"; done

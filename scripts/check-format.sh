#!/bin/sh
# Fails, listing the files, when a C++ file of the repository is not formatted as .clang-format
# says. `scripts/check-format.sh --fix` formats them instead.
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null 2>&1 || scripts/install-deps.sh --format
files=$(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = --fix ]; then
  # shellcheck disable=SC2086 # one word a file
  clang-format -i $files
  exit 0
fi
bad=""
for f in $files; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
  echo "check-format: not formatted as .clang-format says (scripts/check-format.sh --fix):" >&2
  for f in $bad; do echo "  $f" >&2; done
  exit 1
fi

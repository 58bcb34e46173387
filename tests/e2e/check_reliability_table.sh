#!/usr/bin/env bash
# The CTest test "the README's reliability table matches these tests": regenerates the table from
# the [reliability] end-to-end tests and compares it with the README's (see reliability_table.sh).
#   tests/e2e/check_reliability_table.sh [README.md] [unused: the e2e source directory]
# The test binaries are taken from $OCHAT_E2E_BIN_DIR, else the current directory (CTest runs
# this in the build directory of tests/e2e, where they are).
set -euo pipefail
exec "$(dirname "$0")/reliability_table.sh" --check "${1:-README.md}"

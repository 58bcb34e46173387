#!/usr/bin/env bash
# Builds ochat with its tests and runs the whole suite (unit, end-to-end, docs).
# Installs the Debian packages the tests need when they are missing (scripts/install-deps.sh), and
# compiles through ccache when it is there (scripts/ccache-env.sh).
# Environment: BUILD_DIR (default: build), OCHAT_WERROR=ON to treat warnings as errors,
# OCHAT_SANITIZE=ON for an ASan+UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
. scripts/ccache-env.sh

build="${BUILD_DIR:-build}"
cmake -B "$build" "${ccache_args[@]}" -DBUILD_TESTING=ON -DOCHAT_WERROR="${OCHAT_WERROR:-OFF}" -DOCHAT_SANITIZE="${OCHAT_SANITIZE:-OFF}" >/dev/null
cmake --build "$build" -j"$(nproc)"
if [ "${OCHAT_SANITIZE:-OFF}" = ON ]; then
  # Every process of the run (tests and the ochat binaries they spawn) writes any sanitizer
  # report to a file here rather than to stderr, which the e2e tests compare; a report also
  # makes that process exit non-zero. Any report fails the run, even if a test missed it.
  logs="$(cd "$build" && pwd)/sanitizer-logs"
  rm -rf "$logs" && mkdir -p "$logs"
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$logs/asan"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan"
  status=0
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 300 || status=$?
  if [ -n "$(ls -A "$logs")" ]; then
    echo "tests/run.sh: sanitizer reports:" >&2
    for f in "$logs"/*; do echo "== $f" >&2; cat "$f" >&2; done
    status=1
  fi
  exit "$status"
fi
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 300

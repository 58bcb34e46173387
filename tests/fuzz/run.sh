#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a bounded time.
#   tests/fuzz/run.sh            # each target for $FUZZ_SECONDS (default 60) seconds (a few: half)
# The committed corpus (tests/fuzz/corpus/TARGET) is read, never written: new inputs go to
# $BUILD_DIR/corpus/TARGET. A crash leaves $BUILD_DIR/TARGET-crash-* and fails the run; turn it into a
# file under tests/fuzz/corpus/TARGET (the replay test then runs it in every build) and fix it.
# Environment: BUILD_DIR (default: build-fuzz), FUZZ_SECONDS, OCHAT_WERROR.
set -euo pipefail
cd "$(dirname "$0")/../.."

scripts/install-deps.sh --fuzz
. scripts/ccache-env.sh

build="${BUILD_DIR:-build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"
CXX=clang++ cmake -B "$build" "${ccache_args[@]}" -DBUILD_TESTING=OFF -DOCHAT_FUZZ=ON -DOCHAT_SANITIZE=ON \
  -DOCHAT_WERROR="${OCHAT_WERROR:-OFF}" >/dev/null
cmake --build "$build" --target fuzz -j"$(nproc)"

build="$(cd "$build" && pwd)"
# Targets whose whole input is one short header or a piece of text to filter: half the time
# covers them (millions of runs), which keeps the stage at 4 rounds of 2 targets.
half_time="retry_after_fuzz terminal_filter_fuzz"
# One target per CPU at a time; each leaves $build/TARGET.log and $build/TARGET.status.
run_target() {
  local target=$1 status=0 time=$seconds
  case " $half_time " in *" $target "*) time=$(((seconds + 1) / 2)) ;; esac
  mkdir -p "$build/corpus/$target"
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build/tests/fuzz/$target" -max_total_time="$time" -print_final_stats=1 \
    -artifact_prefix="$build/$target-" "$build/corpus/$target" "tests/fuzz/corpus/$target" \
    >"$build/$target.log" 2>&1 || status=$?
  echo "$status" >"$build/$target.status"
}
targets=$(cat "$build/tests/fuzz/targets.txt")
echo "tests/fuzz/run.sh: $(echo $targets | wc -w) targets for ${seconds}s each (${half_time// / and }: half), $(nproc) at a time" >&2
for target in $targets; do
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
  run_target "$target" &
done
wait

status=0
for target in $targets; do
  if [ "$(cat "$build/$target.status")" != 0 ]; then
    tail -n 60 "$build/$target.log" >&2
    echo "tests/fuzz/run.sh: $target FAILED; inputs: $(ls "$build/$target"-* 2>/dev/null)" >&2
    status=1
  else
    echo "tests/fuzz/run.sh: $target: $(grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$build/$target.log" | tr '\n' ' ')" >&2
  fi
done
exit "$status"

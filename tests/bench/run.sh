#!/usr/bin/env bash
# Benchmarks ochat against `curl -sN` and `curl -sN | jq` (figures and ratios, not pass/fail).
#   tests/bench/run.sh [bench.py options, e.g. --tokens 100000 --only latency]
# Builds a Release ochat in $BUILD_DIR (default: build-bench); needs python3, curl and jq.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${BUILD_DIR:-build-bench}"
for tool in python3 curl jq; do
  command -v "$tool" >/dev/null || { echo "tests/bench/run.sh: needs $tool" >&2; exit 1; }
done
cmake -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" --target ochat -j"$(nproc)" >/dev/null
echo "# ochat benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs," \
     "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "versions: $(curl --version | head -1 | cut -d' ' -f1-2), $(jq --version), ochat $(git rev-parse --short HEAD)"
exec python3 tests/bench/bench.py --ochat "$build/ochat" "$@"

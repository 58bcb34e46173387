#!/usr/bin/env bash
# Builds ochat with its tests and runs the whole suite (unit, end-to-end, docs).
# Installs the Debian packages the tests need when they are missing (as root, or with sudo).
# Environment: BUILD_DIR (default: build), OCHAT_WERROR=ON to treat warnings as errors,
# OCHAT_SANITIZE=ON for an ASan+UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make libcli11-dev libcurl4-openssl-dev nlohmann-json3-dev libfmt-dev catch2
          bash-completion zsh fish mandoc man-db)
# node and npm: the MCP end-to-end tests install MCP servers from npm (any node >= 18 will do).
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "tests/run.sh: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build="${BUILD_DIR:-build}"
cmake -B "$build" -DBUILD_TESTING=ON -DOCHAT_WERROR="${OCHAT_WERROR:-OFF}" -DOCHAT_SANITIZE="${OCHAT_SANITIZE:-OFF}" >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 300

#!/bin/sh
# Installs the Debian (bookworm) packages ochat needs, only those missing, as root or with sudo.
#   scripts/install-deps.sh           # to build and run ochat
#   scripts/install-deps.sh --test    # also what the test suite uses (tests/run.sh calls this)
#   scripts/install-deps.sh --fuzz    # also clang for the fuzz targets (tests/fuzz/run.sh calls this)
#   scripts/install-deps.sh --format  # clang-format (scripts/check-format.sh calls this)
set -eu

packages="cmake g++ make libcli11-dev libcurl4-openssl-dev libedit-dev pkg-config nlohmann-json3-dev libfmt-dev"
for group in "$@"; do
  case "$group" in
    --test)
      # Shells for the completion tests, mandoc and man-db for the man page checks, ccache to
      # make rebuilds cheap; node and npm: the MCP tests install real MCP servers from npm.
      packages="$packages catch2 curl bash-completion zsh fish mandoc man-db jq ccache"
      command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"
      ;;
    --fuzz) packages="$packages clang libclang-rt-14-dev ccache" ;;
    --format) packages="$packages clang-format" ;;
    *) echo "usage: scripts/install-deps.sh [--test] [--fuzz] [--format]" >&2; exit 2 ;;
  esac
done

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

echo "install-deps: installing$missing" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: run as root, or install sudo" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
# shellcheck disable=SC2086 # the list is meant to split into words
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null

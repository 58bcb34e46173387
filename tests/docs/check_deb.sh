#!/bin/bash
# `cpack -G DEB` builds a Debian package that declares its runtime dependencies and holds the
# binary, the man pages and the completions; as root, the package installs (`dpkg -i`), runs
# (`ochat --version`, `man -w ochat`) and removes cleanly (`dpkg -r`).
# Usage: check_deb.sh CPACK_COMMAND BUILD_DIR SOURCE_DIR
cpack=$1
build=$2
src=$3
# shellcheck source=common.sh
. "$src/tests/docs/common.sh"

command -v dpkg-deb >/dev/null || skip "dpkg-deb is not installed: not a Debian system"
tmp=$(mktemp -d)
installed=
cleanup() {
  [[ -n $installed ]] && dpkg -P ochat >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$build" && "$cpack" -G DEB -B "$tmp/out") >"$tmp/cpack.log" 2>&1 || {
  cat "$tmp/cpack.log" >&2
  fail "cpack -G DEB failed"
  finish
}
deb=$(ls "$tmp"/out/ochat_*.deb 2>/dev/null | head -n 1)
[[ -f $deb ]] || { fail "cpack wrote no ochat_*.deb: $(ls "$tmp/out")"; finish; }
echo "ok: built $(basename "$deb")"

[[ $(dpkg-deb -f "$deb" Package) == ochat ]] || fail "the package is not named ochat"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libcurl libedit; do
  [[ $depends == *"$lib"* ]] || fail "Depends does not name $lib: $depends"
done
echo "ok: Depends: $depends"
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/ochat ./usr/share/man/man1/ochat.1 ./usr/share/man/man7/ochat-plugins.7 \
  ./usr/share/bash-completion/completions/ochat ./usr/share/zsh/vendor-completions/_ochat \
  ./usr/share/fish/vendor_completions.d/ochat.fish; do
  grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
done
dpkg-deb -x "$deb" "$tmp/root"
if readelf -S "$tmp/root/usr/bin/ochat" 2>/dev/null | grep -q '\.symtab'; then fail "usr/bin/ochat is not stripped"; fi
((failures == 0)) && echo "ok: the package holds the binary (stripped), the man pages and the completions"

[[ $(id -u) -eq 0 ]] || { ((failures == 0)) || finish; skip "not root: the package was built and inspected, but dpkg -i and dpkg -r need root"; }
if dpkg-query -W -f='${Status}' ochat 2>/dev/null | grep -q installed || [[ -e /usr/bin/ochat ]]; then
  ((failures == 0)) || finish
  skip "an ochat is already installed on this machine (/usr/bin/ochat or the package): not replacing it"
fi

# dpkg refuses to run while another dpkg or apt holds its lock: wait for it, within a bound.
dpkg_retry() {
  local i
  for ((i = 0; i < 60; i++)); do
    if dpkg "$@" >"$tmp/dpkg.log" 2>&1; then return 0; fi
    grep -qi lock "$tmp/dpkg.log" || break
    sleep 2
  done
  cat "$tmp/dpkg.log" >&2
  return 1
}

installed=yes
dpkg_retry -i "$deb" || { fail "dpkg -i failed"; finish; }
echo "ok: dpkg -i"
version=$(/usr/bin/ochat --version 2>&1)
[[ $version == "ochat "* ]] && echo "ok: ochat --version: $version" || fail "ochat --version: $version"
if command -v man >/dev/null; then
  page=$(man -w ochat 2>&1)
  [[ $page == /usr/share/man/man1/ochat.1* ]] && echo "ok: man -w ochat: $page" || fail "man -w ochat: $page"
else
  echo "man is not installed: man -w not checked"
fi
dpkg_retry -r ochat || { fail "dpkg -r failed"; finish; }
installed=
for path in /usr/bin/ochat /usr/share/man/man1/ochat.1 /usr/share/bash-completion/completions/ochat; do
  [[ -e $path ]] && fail "$path is still there after dpkg -r"
done
status=$(dpkg-query -W -f='${Status}' ochat 2>/dev/null)
[[ -z $status || $status == *not-installed* ]] || fail "after dpkg -r the package is still known: $status"
((failures == 0)) && echo "ok: dpkg -r removed every file"
finish

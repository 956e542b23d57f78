#!/usr/bin/env bash
# `npm run test:arm64`: loads the arm64 glibc build (mylib.linux-arm64-gnu.node, from
# `npm run build:cross`) in a real arm64 Node under qemu-user and runs every export through
# scripts/exercise.cjs, fetchData against a loopback server included; prints the results.
#
# The arm64 Node is Debian's (`nodejs:arm64` and its arm64 libraries, plus the arch-independent
# modules it loads), each package unpacked with `dpkg -x` into one sysroot in the tools folder
# (MYLIB_TOOLS_DIR, default `.tools/`), run as `qemu-aarch64 -L <sysroot> <sysroot>/usr/bin/node`.
# Ends with "arm64: N passed, N failed"; prints "cross: skipped (<reason>)" and exits 2 when qemu
# or the sysroot cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=${MYLIB_TOOLS_DIR:-$(pwd)/.tools}
SYSROOT="$TOOLS/arm64-sysroot"
ADDON=mylib.linux-arm64-gnu.node
log="$TOOLS/install.log"
mkdir -p "$TOOLS"

if [ ! -f "$ADDON" ]; then
  echo "test:arm64: $ADDON is not built: run \`npm run build:cross\`" >&2
  exit 1
fi

install_sysroot() {
  if ! command -v qemu-aarch64 >/dev/null; then
    apt-get update >>"$log" 2>&1 && apt-get install -y qemu-user >>"$log" 2>&1 || return 1
  fi
  [ -x "$SYSROOT/usr/bin/node" ] && return 0
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
  fi
  apt-get update >>"$log" 2>&1 || return 1
  # nodejs:arm64 and every arm64 package it depends on, less the package tools the sysroot does
  # not need; then the arch-independent modules Debian's Node loads from /usr/share/nodejs.
  local packages
  packages=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances --no-pre-depends nodejs:arm64 |
    grep -E '^[a-z0-9.+-]+:arm64$' | grep -Ev '^(dpkg|install-info|tar|debconf):' | sort -u)
  local download
  download=$(mktemp -d)
  (cd "$download" && apt-get download $packages \
    node-cjs-module-lexer node-undici node-acorn node-busboy node-xtend) >>"$log" 2>&1 || return 1
  rm -rf "$SYSROOT.partial"
  for deb in "$download"/*.deb; do
    dpkg -x "$deb" "$SYSROOT.partial"
  done
  rm -rf "$download" "$SYSROOT"
  mv "$SYSROOT.partial" "$SYSROOT"
}

if ! install_sysroot; then
  echo "cross: skipped (arm64 smoke test: could not install qemu-user or Debian's arm64 Node, see $log)"
  exit 2
fi

echo "# $(readelf -h "$ADDON" | sed -n 's/^ *Machine: *//p') addon under $(qemu-aarch64 --version | head -n 1)"
start=$SECONDS
status=0
qemu-aarch64 -L "$SYSROOT" "$SYSROOT/usr/bin/node" -e "
  const exercise = require('./scripts/exercise.cjs')
  const mylib = require('./main.cjs')
  exercise(mylib).then((results) => {
    console.log('# node ' + process.version + ' ' + process.platform + '-' + process.arch)
    console.log('ok - arm64 smoke test: ' + JSON.stringify(results))
  }, (error) => {
    console.log('not ok - arm64 smoke test: ' + error.stack)
    process.exitCode = 1
  })
" || status=$?
echo "# arm64 smoke test took $((SECONDS - start)) s"
if [ "$status" -eq 0 ]; then
  echo "arm64: 1 passed, 0 failed"
else
  echo "arm64: 0 passed, 1 failed"
fi
exit "$status"

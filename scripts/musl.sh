#!/usr/bin/env bash
# `npm run test:musl`: loads each musl build (mylib.linux-x64-musl.node, mylib.linux-arm64-musl.node,
# from `npm run build:cross`) into a real musl process: scripts/musl/load.c, built with zig as a
# dynamically linked musl program, dlopens the addon with RTLD_NOW (every symbol bound against musl
# libc, constructors run, as Node's process.dlopen does) and looks up napi_register_module_v1.
# No Node for musl can be had here (npm has no musl Node; Bun's musl build needs Alpine's musl
# libstdc++, which neither Debian nor npm has), so this is how far the musl binaries run. A glibc
# build fails the same check ("Error loading shared library libgcc_s.so.1").
#
# musl itself is Debian's (`musl` and `musl:arm64`, each unpacked with `dpkg -x` into a sysroot in
# the tools folder, MYLIB_TOOLS_DIR, default `.tools/`); the x64 loader runs under the sysroot's
# ld-musl, the arm64 one under qemu-aarch64 with that sysroot. Needs zig (scripts/toolchain.sh).
# Ends with "musl: N passed, N failed"; prints "musl: skipped (<reason>)" and exits 2 when musl
# or qemu cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh
log="$TOOLS/install.log"

if ! ensure_toolchain; then
  echo "musl: skipped ($TOOLCHAIN_MISSING)"
  exit 2
fi

# Debian's musl for `arch` (amd64 or arm64), unpacked into $TOOLS/musl-<arch>.
musl_sysroot() {
  local arch=$1 root="$TOOLS/musl-$1"
  [ -d "$root/lib" ] && return 0
  if [ "$arch" = arm64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64 && apt-get update >>"$log" 2>&1 || return 1
  fi
  local download
  download=$(mktemp -d)
  if ! (cd "$download" && apt-get download "musl:$arch") >>"$log" 2>&1; then
    apt-get update >>"$log" 2>&1 && (cd "$download" && apt-get download "musl:$arch") >>"$log" 2>&1 ||
      return 1
  fi
  rm -rf "$root.partial"
  dpkg -x "$download"/*.deb "$root.partial"
  rm -rf "$download"
  mv "$root.partial" "$root"
}

passed=0
failed=0
for platform in linux-x64-musl linux-arm64-musl; do
  addon="mylib.$platform.node"
  case $platform in
    linux-x64-musl) arch=amd64 zig_target=x86_64-linux-musl ldso=ld-musl-x86_64.so.1 ;;
    linux-arm64-musl) arch=arm64 zig_target=aarch64-linux-musl ldso=ld-musl-aarch64.so.1 ;;
  esac
  if [ ! -f "$addon" ]; then
    echo "not ok - $addon is not built: run \`npm run build:cross -- $platform\`"
    failed=$((failed + 1))
    continue
  fi
  if ! musl_sysroot "$arch"; then
    echo "musl: skipped (could not unpack Debian's musl:$arch, see $log)"
    exit 2
  fi
  if [ "$arch" = arm64 ] && ! command -v qemu-aarch64 >/dev/null; then
    if ! { apt-get update && apt-get install -y qemu-user; } >>"$log" 2>&1; then
      echo "musl: skipped (could not install qemu-user, see $log)"
      exit 2
    fi
  fi
  root="$TOOLS/musl-$arch"
  loader="$TOOLS/musl-load-$arch"
  zig cc -target "$zig_target" -dynamic -O2 -Wall -Wextra -Werror -o "$loader" scripts/musl/load.c
  echo "# $addon: $(readelf -d "$addon" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | paste -sd ' ')"
  if [ "$arch" = amd64 ]; then
    run=("$root/lib/$ldso" "$loader" "$PWD/$addon")
  else
    run=(qemu-aarch64 -L "$root" "$loader" "$PWD/$addon")
  fi
  if "${run[@]}"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "musl: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

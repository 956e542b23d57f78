#!/usr/bin/env bash
# `npm run build:cross [-- <platform>...]`: release builds of Linux targets with zig
# (`napi build --platform --release -x`), each binary then checked with readelf/objdump:
#   linux-x64-musl, linux-arm64-musl   the right machine, and no glibc anywhere (no libc.so.6,
#                                      no ld-linux, no GLIBC_ symbol version)
#   linux-arm64-gnu, linux-x64-gnu     built against the glibc 2.17 floor (`<triple>.2.17`), and
#                                      no symbol version above GLIBC_2.17
# Default: linux-x64-musl linux-arm64-gnu linux-arm64-musl. `npm run build:glibc-floor` builds
# linux-x64-gnu, the published x64 binary, this way. Binaries land in the repo root as
# mylib.<platform>.node (git-ignored), where the install test picks them up. index.js and
# index.d.ts are not rewritten (--no-js, and the type definitions go to target/cross.d.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh

platforms=("$@")
if [ "${#platforms[@]}" -eq 0 ]; then
  platforms=(linux-x64-musl linux-arm64-gnu linux-arm64-musl)
fi

if ! ensure_toolchain; then
  echo "cross: skipped ($TOOLCHAIN_MISSING)"
  exit 2
fi

# Prints "ok" lines and returns non-zero with a "not ok" line when `file` is not what `platform`
# needs.
check_binary() {
  local platform=$1 file=$2
  local machine needed versions newest
  machine=$(readelf -h "$file" | sed -n 's/^ *Machine: *//p')
  needed=$(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | paste -sd ' ')
  versions=$(objdump -T "$file" | grep -Eo 'GLIBC_[0-9.]+' | sort -u -V | paste -sd ' ' || true)
  local want_machine
  case $platform in
    linux-x64-*) want_machine='Advanced Micro Devices X86-64' ;;
    linux-arm64-*) want_machine='AArch64' ;;
  esac
  echo "# $file: $machine; needs: ${needed:-nothing}; glibc versions: ${versions:-none}"
  if [ "$machine" != "$want_machine" ]; then
    echo "not ok - $platform is $machine, expected $want_machine"
    return 1
  fi
  case $platform in
    *-musl)
      if [[ "$needed" == *libc.so.6* || "$needed" == *ld-linux* || -n "$versions" ]]; then
        echo "not ok - $platform needs glibc: $needed $versions"
        return 1
      fi
      ;;
    *-gnu)
      newest=$(echo "$versions" | tr ' ' '\n' | grep . | sort -V | tail -n 1)
      if [ "$(printf '%s\n' GLIBC_2.17 "$newest" | sort -V | tail -n 1)" != GLIBC_2.17 ]; then
        echo "not ok - $platform needs $newest, above the GLIBC_2.17 floor"
        return 1
      fi
      ;;
  esac
  echo "ok - $platform: $want_machine, ${needed:-no libraries}, within its libc floor"
}

passed=0
failed=0
for platform in "${platforms[@]}"; do
  case $platform in
    linux-x64-gnu) triple=x86_64-unknown-linux-gnu.2.17 ;;
    linux-arm64-gnu) triple=aarch64-unknown-linux-gnu.2.17 ;;
    linux-x64-musl) triple=x86_64-unknown-linux-musl ;;
    linux-arm64-musl) triple=aarch64-unknown-linux-musl ;;
    *)
      echo "build:cross: unknown platform $platform" >&2
      exit 2
      ;;
  esac
  echo "=== napi build --platform --release -x --target $triple"
  start=$SECONDS
  npx napi build --platform --release -x --target "$triple" --no-js --dts target/cross.d.ts
  echo "# built in $((SECONDS - start)) s"
  if check_binary "$platform" "mylib.$platform.node"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "cross: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

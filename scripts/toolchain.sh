# Sourced by the cross-build scripts: installs (once) and puts on PATH what `napi build -x` needs
# for the Linux and macOS targets: the rustup targets, zig (the `ziglang` wheel) and
# cargo-zigbuild (built from crates.io); `ensure_mingw` adds Debian's MinGW-w64 for the Windows
# gnu target. Everything lands in the tools folder, MYLIB_TOOLS_DIR (default `.tools/`,
# git-ignored), so later runs reuse it.
#
# `ensure_toolchain` returns non-zero with the reason in TOOLCHAIN_MISSING when an install fails.

TOOLS=${MYLIB_TOOLS_DIR:-$(pwd)/.tools}
ZIG_VERSION=0.15.2
CARGO_ZIGBUILD_VERSION=0.24.1
RUST_TARGETS=(x86_64-unknown-linux-musl aarch64-unknown-linux-gnu aarch64-unknown-linux-musl
  x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-gnu)
TOOLCHAIN_MISSING=

ensure_toolchain() {
  local log="$TOOLS/install.log"
  mkdir -p "$TOOLS/bin"
  export PATH="$TOOLS/bin:$TOOLS/cargo/bin:$PATH"
  # shellcheck disable=SC2207
  local missing=($(comm -23 <(printf '%s\n' "${RUST_TARGETS[@]}" | sort) \
    <(rustup target list --installed | sort)))
  if [ "${#missing[@]}" -gt 0 ] && ! rustup target add "${missing[@]}" >>"$log" 2>&1; then
    TOOLCHAIN_MISSING="rustup target add ${missing[*]} failed, see $log"
    return 1
  fi
  if [ ! -x "$TOOLS/ziglang/ziglang/zig" ]; then
    if ! python3 -m pip install --quiet --disable-pip-version-check --target "$TOOLS/ziglang" \
      "ziglang==$ZIG_VERSION" >>"$log" 2>&1; then
      TOOLCHAIN_MISSING="pip install ziglang==$ZIG_VERSION failed, see $log"
      return 1
    fi
  fi
  ln -sf "$TOOLS/ziglang/ziglang/zig" "$TOOLS/bin/zig"
  # LLVM's readers, for scripts/inspect.mjs's checks of the macOS and Windows binaries.
  if ! command -v llvm-objdump >/dev/null && ! { apt-get update &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends llvm; } >>"$log" 2>&1; then
    TOOLCHAIN_MISSING="apt-get install llvm failed, see $log"
    return 1
  fi
  if [ "$(cargo-zigbuild --version 2>/dev/null)" != "cargo-zigbuild $CARGO_ZIGBUILD_VERSION" ]; then
    if ! cargo install --locked --quiet --root "$TOOLS/cargo" \
      cargo-zigbuild --version "$CARGO_ZIGBUILD_VERSION" >>"$log" 2>&1; then
      TOOLCHAIN_MISSING="cargo install cargo-zigbuild $CARGO_ZIGBUILD_VERSION failed, see $log"
      return 1
    fi
  fi
}

# Debian's MinGW-w64 C toolchain (rustc's linker for x86_64-pc-windows-gnu), from apt when missing.
ensure_mingw() {
  command -v x86_64-w64-mingw32-gcc >/dev/null && return 0
  local log="$TOOLS/install.log"
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
    --no-install-recommends gcc-mingw-w64-x86-64-posix; } >>"$log" 2>&1; then
    TOOLCHAIN_MISSING="apt-get install gcc-mingw-w64-x86-64-posix failed, see $log"
    return 1
  fi
}

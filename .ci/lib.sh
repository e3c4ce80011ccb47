# shellcheck shell=bash
# Shared environment for the .ci scripts. Sourced, never run; sets no shell options.
#
#   SHOMEI_ROOT        the repository root
#   CARGO_TARGET_DIR   defaults to ~/.cache/shomei/target, shared by every clone on the machine
#   SHOMEI_VENV        project-local Python venv holding PyPI `ziglang` (macOS cross-check)
#   SHOMEI_ZIG_PYTHON  the Python the .ci/zig wrappers run `-m ziglang` with

SHOMEI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SHOMEI_ROOT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shomei/target}"
export SHOMEI_VENV="${SHOMEI_VENV:-$SHOMEI_ROOT/.ci/.venv}"
export SHOMEI_ZIG_PYTHON="${SHOMEI_ZIG_PYTHON:-$SHOMEI_VENV/bin/python}"

# rustup installs into ~/.cargo/bin; a non-login shell (CI) may not have it on PATH yet.
case ":$PATH:" in
  *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;;
  *) export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;;
esac

# Which ziglang the macOS cross-check uses (PyPI). Pinned so CI is reproducible.
SHOMEI_ZIGLANG_VERSION="${SHOMEI_ZIGLANG_VERSION:-0.15.2}"

# Which cargo-deny the supply-chain stage uses (crates.io). Pinned so CI is reproducible;
# .ci/setup test installs it.
SHOMEI_CARGO_DENY_VERSION="${SHOMEI_CARGO_DENY_VERSION:-0.20.2}"

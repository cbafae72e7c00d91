#!/usr/bin/env bash
# Installs, when missing, everything BITA needs to build and test on a fresh Debian machine
# with access to crates.io, the npm registry and Debian's packages only. Idempotent: each step
# is skipped when its tool already answers. Used by both README commands.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
# Must equal the wasm-bindgen version pinned in Cargo.toml / Cargo.lock.
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock 2>/dev/null | sed -n 's/^version = "\(.*\)"/\1/p' | head -1)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

log() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v xmllint >/dev/null || need_apt+=(libxml2-utils)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "${BITA_SKIP_APT:-0}" = 1 ]; then
    log "skipping apt-get (BITA_SKIP_APT=1); missing: ${need_apt[*]}"
  else
    log "installing Debian packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  fi
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (one-time, about 10 minutes on 2 cores)"
  # 0.3.11 needs a newer rustc; no_downloads makes a missing tool an error instead of a
  # download attempt. LTO off: the tool's speed does not matter, its install time does.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # --locked fails for this version (its lock names a crate version the registry lacks).
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ]; then
  log "installing npm packages (Playwright test runner, binaryen's wasm-opt)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

#!/usr/bin/env bash
# Installs, when missing, everything BITA needs to build and test on a fresh Debian machine
# with access to crates.io, the npm registry and Debian's packages only. Idempotent: each step
# is skipped when its tool already answers. Used by both README commands. cargo-leptos is not
# needed: scripts/build-site.sh does its few steps (installing it cost 20 of CI's minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

# Must equal the wasm-bindgen version pinned in Cargo.toml / Cargo.lock.
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock 2>/dev/null | sed -n 's/^version = "\(.*\)"/\1/p' | head -1)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

log() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    log "adding $component"
    rustup component add "$component"
  fi
done

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# PostgreSQL for the integration suite's second run (scripts/pg.sh makes a throw-away cluster).
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || need_apt+=(postgresql)
command -v xmllint >/dev/null || need_apt+=(libxml2-utils)
# Month-end export tests read PDFs back (pdftotext, pdftoppm, pdfinfo) and FK's forms are
# decrypted and flattened with qpdf (also at run time, when a form is uploaded).
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
command -v qpdf >/dev/null || need_apt+=(qpdf)
command -v brotli >/dev/null || need_apt+=(brotli)
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

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # --locked fails for this version (its lock names a crate version the registry lacks).
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -x end2end/node_modules/.bin/esbuild ] || [ ! -d end2end/node_modules/workbox-routing ] || [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@apidevtools/swagger-parser ]; then
  log "installing npm packages (Playwright test runner, binaryen's wasm-opt, esbuild, Workbox, idb-keyval, an OpenAPI validator)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

# A real SMTP sink for the e-mail tests (aiosmtpd from PyPI), in a virtualenv under target/.
SMTP_VENV=target/pyenv
if [ ! -x "$SMTP_VENV/bin/python" ] || ! "$SMTP_VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  log "installing aiosmtpd (SMTP sink for the e-mail tests)"
  if ! python3 -m venv "$SMTP_VENV" 2>/dev/null; then
    [ "${BITA_SKIP_APT:-0}" = 1 ] || { as_root apt-get update -qq; as_root apt-get install -y -qq --no-install-recommends python3-venv >/dev/null; }
    python3 -m venv "$SMTP_VENV"
  fi
  "$SMTP_VENV/bin/pip" install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6'
fi

#!/usr/bin/env bash
# The whole test suite: unit and integration tests (cargo; the integration suite on SQLite,
# then again on a throw-away PostgreSQL from scripts/pg.sh), then the browser's site (wasm) and
# the end-to-end tests in Debian's Chromium (Playwright) against the server binary the test
# build already made (target/debug/server), so no second build of the server's dependencies.
# Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "no private key in the tree"
# A committed signing key lets anyone forge an archive that passes the check (issue 23).
if git ls-files 2>/dev/null | grep -E '(\.key$|(^|/)data/)' | grep -v '^export/tests/data/'; then
  echo "the files above must not be committed: keys and data/ stay on the machine that made them" >&2
  exit 1
fi
step "the layer rules (crate graph, import circles, form addresses)"
scripts/layers.sh

step "formatting and lints (rustfmt, clippy)"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "unit and integration tests (SQLite)"
cargo test --workspace --exclude bench --locked

step "integration tests on PostgreSQL (a throw-away cluster under target/pg)"
source scripts/pg.sh
trap pg_stop EXIT
pg_start
echo "PostgreSQL at $BITA_PG_URL"
# The same build as the first pass (no recompile); the engine's tests run again, in seconds.
BITA_TEST_POSTGRES="$BITA_PG_URL" cargo test --workspace --exclude bench --locked
pg_stop
trap - EXIT

step "the browser's site (wasm, JS, CSS)"
scripts/build-site.sh

step "release payload"
scripts/payload.sh

step "end-to-end tests in Chromium"
rm -rf target/e2e && mkdir -p target/e2e
cd end2end
npx playwright test

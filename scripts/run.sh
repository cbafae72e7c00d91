#!/usr/bin/env bash
# Builds and runs BITA with the embedded SQLite database (./data/bita.db) and demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$PATH"   # wasm-opt from npm's binaryen
mkdir -p data
exec cargo leptos serve --release

#!/usr/bin/env bash
# Builds and runs BITA (release) with the embedded SQLite database (./data/bita.db) and demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-site.sh
cargo build -p server --release --locked
mkdir -p data
export BITA_DEMO_DATA="${BITA_DEMO_DATA:-1}"
exec target/release/server

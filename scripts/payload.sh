#!/usr/bin/env bash
# Prints the size of what a browser downloads for BITA's islands: raw and gzip -9.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in target/site/pkg/bita.wasm target/site/pkg/bita.js target/site/pkg/bita.css; do
  [ -f "$f" ] || { echo "missing $f (run cargo leptos build --release first)"; exit 1; }
  printf '%-32s raw %8d B   gzip %8d B\n' "$f" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)"
done

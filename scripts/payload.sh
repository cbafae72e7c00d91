#!/usr/bin/env bash
# Prints the size of what a browser downloads for BITA's islands: raw, gzip -9 and brotli -11.
# The first load of the assistant's page is the first four (plus the page's HTML); sw.js, the
# service worker with Workbox, is fetched after the page has loaded (the second-visit budget).
set -euo pipefail
cd "$(dirname "$0")/.."
first=0
for f in target/site/pkg/bita.wasm target/site/pkg/bita.js target/site/pkg/bita.css target/site/pkg/offline.js target/site/sw.js; do
  [ -f "$f" ] || { echo "missing $f (run scripts/build-site.sh first)"; exit 1; }
  br=$( [ -f "$f.br" ] && stat -c %s "$f.br" || echo "-")
  printf '%-32s raw %8d B   gzip %8d B   brotli %8s B\n' "$f" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)" "$br"
  [ "$br" = "-" ] || [ "$f" = target/site/sw.js ] || first=$((first + br))
done
echo "first load's assets (brotli, without the page's HTML): $first B"

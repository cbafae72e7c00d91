#!/usr/bin/env bash
# Builds what the browser loads into target/site: the islands' wasm (app, feature hydrate,
# profile wasm-release), its JS glue (wasm-bindgen), wasm-opt -Oz (npm's binaryen), the CSS and
# the public assets. This replaces `cargo leptos build` for CI and the run command: installing
# cargo-leptos costs ~20 minutes on a cold 2-core machine, these steps cost nothing extra.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$PATH"

site=target/site
pkg=$site/pkg
cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate \
  --profile wasm-release --locked
rm -rf "$pkg" && mkdir -p "$pkg"
# The names Leptos's hydration scripts load (LEPTOS_OUTPUT_NAME in .cargo/config.toml):
# bita.js and bita.wasm, as cargo-leptos names them.
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name bita \
  target/wasm32-unknown-unknown/wasm-release/app.wasm
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$pkg/bita_bg.wasm" -o "$pkg/bita.wasm"
rm "$pkg/bita_bg.wasm"
cp style/main.css "$pkg/bita.css"
cp -r public/. "$site/"
# Offline (app/offline): the service worker with Workbox, and the page's script that shows and
# sends the rows kept on the phone, bundled from npm's packages with esbuild.
bundle() {
  NODE_PATH="$PWD/end2end/node_modules" esbuild "$1" --bundle --minify --target=chrome90,firefox90,safari15 \
    --define:process.env.NODE_ENV='"production"' --log-level=warning "${@:2}"
}
bundle app/offline/sw.js --format=iife --outfile="$site/sw.js"
bundle app/offline/page.js --format=esm --outfile="$pkg/offline.js"
# The export page's progress bar, moved as the job runs (app/js/export.js).
bundle app/js/export.js --format=esm --outfile="$pkg/export.js"
# Precompressed copies: the server sends these instead of compressing on every request.
for f in "$pkg/bita.wasm" "$pkg/bita.js" "$pkg/bita.css" "$pkg/offline.js" "$pkg/export.js" "$site/sw.js"; do
  gzip -9 -k -f "$f"
  if command -v brotli >/dev/null; then brotli -q 11 -f -k "$f"; fi
done
echo "site built in $site"

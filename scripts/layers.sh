#!/usr/bin/env bash
# The layer rules of docs/architecture.md, checked from the code itself:
#   engine imports no project crate; export and store import only engine (no Leptos in their
#   trees); server::db never imports app; only the app's service layer (app/src/service) opens a
#   write transaction;
#   no import circle between the modules of any crate (scripts/cycles.py);
#   every form's address is named once (app::paths), never typed into a page.
# Exits non-zero, naming what broke, when a rule does not hold.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
project='^(engine|export|store|app|server|bench) '

deps() { cargo tree --locked -p "$1" -e normal --prefix none --format '{p}' | sort -u; }

if deps engine | grep -E "$project" | grep -v '^engine '; then
  echo "layers: engine must import no project crate (above)" >&2; fail=1
fi
for crate in export store; do
  tree="$(deps "$crate")"
  if grep -E "$project" <<<"$tree" | grep -vE "^(engine|$crate) "; then
    echo "layers: $crate may import only engine (above)" >&2; fail=1
  fi
  if grep -E '^leptos' <<<"$tree"; then
    echo "layers: Leptos is in $crate's tree (above)" >&2; fail=1
  fi
done
if grep -rnE '\bapp::' server/src/db; then
  echo "layers: server::db imports app (above): the store crate has the records" >&2; fail=1
fi
# A write transaction is opened by Repo::write (or a pool's begin); outside the service layer
# only the database code itself (server/src/db) may call them.
if grep -rnE '(\.write\(\)\.await|\.begin\(\)\.await)' --include=*.rs server/src engine/src export/src store/src app/src \
  | grep -vE '^(app/src/service/|server/src/db/)'; then
  echo "layers: a write transaction opened outside the service layer (above)" >&2; fail=1
fi
python3 scripts/cycles.py engine export store app server bench || fail=1
if grep -rnE '(method="post"[^>]*action="/|<Download action="/)' app/src/ui; then
  echo "layers: a form's address typed into a page (above): name it in app/src/paths.rs" >&2; fail=1
fi
[ "$fail" = 0 ] && echo "layers: engine ← export, store; server::db without app; writes opened by the service layer only; no import circle; every form's address named once"
exit "$fail"

#!/usr/bin/env bash
# The layer rules of docs/architecture.md, checked from the code itself:
#   engine imports no project crate; export imports only engine (no Leptos in its tree);
#   no import circle between the modules of any crate (scripts/cycles.py);
#   every form's address is named once (app::paths), never typed into a page.
# Exits non-zero, naming what broke, when a rule does not hold.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
project='^(engine|export|app|server|bench) '

deps() { cargo tree --locked -p "$1" -e normal --prefix none --format '{p}' | sort -u; }

if deps engine | grep -E "$project" | grep -v '^engine '; then
  echo "layers: engine must import no project crate (above)" >&2; fail=1
fi
export_deps="$(deps export)"
if grep -E "$project" <<<"$export_deps" | grep -vE '^(engine|export) '; then
  echo "layers: export may import only engine (above)" >&2; fail=1
fi
if grep -E '^leptos' <<<"$export_deps"; then
  echo "layers: Leptos is in export's tree (above)" >&2; fail=1
fi
python3 scripts/cycles.py engine export app server bench || fail=1
if grep -rnE '(method="post"[^>]*action="/|<Download action="/)' app/src/ui; then
  echo "layers: a form's address typed into a page (above): name it in app/src/paths.rs" >&2; fail=1
fi
[ "$fail" = 0 ] && echo "layers: engine ← export; no import circle; every form's address named once"
exit "$fail"

#!/usr/bin/env bash
# The municipalities' comparison (issue 29) at the size of a large installation: the load
# tests' generated municipality (150,000 rows in the last month, its administrator
# `admin.last`) and 299 more municipalities taking part, with twelve months of figures each.
# Measures the refresh (`server benchmark --refresh`: the generated municipality's twelve
# months computed from its records, then every spread over 300) and the comparison page and its
# CSV, one view at a time.
# usage: bench/compare/run.sh [sqlite|postgres]   (BITA_SERVER_BIN: a server already built)
set -euo pipefail
cd "$(dirname "$0")/../.."
WHICH="${1:-sqlite}"
OUT=target/compare
SERVER_BIN="${BITA_SERVER_BIN:-target/release/server}"
[ -n "${BITA_SERVER_BIN:-}" ] || cargo build --release --locked -p server --bin server 2>&1 | tail -1
cargo build --release --locked -p bench --bin load_data 2>&1 | tail -1
[ -f target/site/pkg/bita.css ] || scripts/build-site.sh
MONTH="$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)"
mkdir -p "$OUT"
export BITA_PG_DIR="$PWD/$OUT/pg"
source scripts/pg.sh
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; pg_stop; }
trap cleanup EXIT
if [ "$WHICH" = sqlite ]; then
  rm -f "$OUT"/bita.db*; DB_URL="sqlite://$OUT/bita.db"
else
  pg_start; psql -q "$BITA_PG_URL/postgres" -c "CREATE DATABASE bita_compare"; DB_URL="$BITA_PG_URL/bita_compare"
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
DATABASE_URL="$DB_URL" BITA_DEMO_DATA=1 BITA_LOG=warn LEPTOS_SITE_ROOT=target/site \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" BITA_ARCHIVE_KEY="$OUT/archive.key" "$SERVER_BIN" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
pg=$([ "$WHICH" = postgres ] && echo --postgres || true)
target/release/load_data "$MONTH" $pg >"$OUT/load.sql"
python3 bench/compare/figures.py 299 "$MONTH" $pg >"$OUT/figures.sql"
load() { if [ "$WHICH" = sqlite ]; then sqlite3 "$OUT/bita.db" <"$1"; else psql -q -v ON_ERROR_STOP=1 "$DB_URL" -f "$1" >/dev/null; fi; }
load "$OUT/load.sql"; load "$OUT/figures.sql"
echo "UPDATE tenants SET benchmarking = TRUE WHERE id = 1000;" >"$OUT/join.sql"; load "$OUT/join.sql"
if [ "$WHICH" = sqlite ]; then sqlite3 "$OUT/bita.db" "ANALYZE"; else psql -q "$DB_URL" -c "ANALYZE"; fi
start=$(date +%s.%N)
DATABASE_URL="$DB_URL" BITA_LOG=warn "$SERVER_BIN" benchmark --refresh >"$OUT/spreads.csv"
echo "COMPARE refresh ($WHICH): $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s for the generated municipality's 12 months and 300 municipalities' spreads ($(($(wc -l <"$OUT/spreads.csv") - 1)) spreads)"
python3 - "http://127.0.0.1:$port" "$WHICH" <<'PY'
import statistics, sys, time
sys.path.insert(0, "bench/load")
from login import login_as
base, which = sys.argv[1], sys.argv[2]
opener, _, _ = login_as(base, "admin.last", "/admin")
for name, path in [("page", "/admin/jamforelse"), ("CSV", "/admin/jamforelse.csv")]:
    took, size = [], 0
    for _ in range(20):
        t = time.perf_counter()
        size = len(opener.open(base + path).read())
        took.append(time.perf_counter() - t)
    print(f"COMPARE {name} ({which}, 300 municipalities): {size} bytes, p50 {statistics.median(took) * 1000:.1f} ms, max {max(took) * 1000:.1f} ms (20 views, one at a time)")
PY

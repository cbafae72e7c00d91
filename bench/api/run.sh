#!/usr/bin/env bash
# The API (issue 29) at the size of the load tests' municipality: 1,000 recipients, 5,000
# assistants, 150,000 rows in the last month, every time report attested. A client with a
# token of every scope syncs: every recipient and assistant page by page (500), the month's
# reports, its findings, and every payroll row page by page (500). Each is timed, one call at
# a time.
# usage: bench/api/run.sh [sqlite|postgres]   (BITA_SERVER_BIN: a server already built)
set -euo pipefail
cd "$(dirname "$0")/../.."
WHICH="${1:-sqlite}"
OUT=target/api-bench
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
  pg_start; psql -q "$BITA_PG_URL/postgres" -c "CREATE DATABASE bita_api"; DB_URL="$BITA_PG_URL/bita_api"
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
start_server() {
  DATABASE_URL="$DB_URL" BITA_DEMO_DATA=1 BITA_LOG=warn BITA_API_PER_MINUTE=1000000 LEPTOS_SITE_ROOT=target/site \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" BITA_ARCHIVE_KEY="$OUT/archive.key" "$SERVER_BIN" >>"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
}
: >"$OUT/server.log"
start_server
pg=$([ "$WHICH" = postgres ] && echo --postgres || true)
target/release/load_data "$MONTH" $pg >"$OUT/load.sql"
TOKEN="bita_$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
SHA="$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)"
cat >"$OUT/attest.sql" <<SQL
INSERT INTO month_reports (tenant_id, assistant_id, recipient_id, month, status)
  SELECT DISTINCT tenant_id, assistant_id, recipient_id, '$MONTH', 'attested' FROM time_rows WHERE tenant_id = 1000;
INSERT INTO api_tokens (tenant_id, name, scopes, token_sha256, hint, created_by, created_at, expires_on)
  VALUES (1000, 'bench', 'register:read months:read payroll:read archives:read', '$SHA', 'bita_bench', (SELECT id FROM users WHERE username = 'admin.last'), '2026-01-01T00:00:00Z', '2099-12-31');
SQL
load() { if [ "$WHICH" = sqlite ]; then sqlite3 "$OUT/bita.db" <"$1"; else psql -q -v ON_ERROR_STOP=1 "$DB_URL" -f "$1" >/dev/null; fi; }
load "$OUT/load.sql"; load "$OUT/attest.sql"
if [ "$WHICH" = sqlite ]; then sqlite3 "$OUT/bita.db" "ANALYZE"; else psql -q "$DB_URL" -c "ANALYZE"; fi
# Started again on the loaded database, as a server finds it in production: its connections
# plan with the statistics just gathered.
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
start_server
python3 - "http://127.0.0.1:$port" "$WHICH" "$TOKEN" "$MONTH" <<'PY'
import json, statistics, sys, time, urllib.request
base, which, token, month = sys.argv[1:5]
def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    t = time.perf_counter()
    body = urllib.request.urlopen(req).read()
    return json.loads(body), time.perf_counter() - t, len(body)
def paged(path, key="after"):
    took, items, nxt = [], 0, ""
    while True:
        page, t, _ = get(f"{path}?limit=500&{key}={nxt}")
        took.append(t); items += len(page["items"])
        if not page.get("next"): return items, took
        nxt = page["next"]
for name, path in [("recipients", "/api/v1/recipients"), ("assistants", "/api/v1/assistants"), ("payroll rows", f"/api/v1/months/{month}/payroll")]:
    items, took = paged(path)
    print(f"API {name} ({which}): {items} in {len(took)} pages of 500, {sum(took):.1f} s in all, page p50 {statistics.median(took) * 1000:.0f} ms, max {max(took) * 1000:.0f} ms")
for name, path in [("month's reports", f"/api/v1/months/{month}"), ("findings", f"/api/v1/months/{month}/findings")]:
    get(path)  # the month's checks kept on the first view
    runs = [get(path) for _ in range(5)]
    print(f"API {name} ({which}): {runs[0][2]} bytes, p50 {statistics.median(r[1] for r in runs) * 1000:.0f} ms (5 calls after the first)")
PY

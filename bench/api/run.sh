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
source bench/lib.sh
bench_start BITA_API_PER_MINUTE=1000000
TOKEN="bita_$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
SHA="$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)"
cat >"$OUT/attest.sql" <<SQL
INSERT INTO month_reports (tenant_id, assistant_id, recipient_id, month, status)
  SELECT DISTINCT tenant_id, assistant_id, recipient_id, '$MONTH', 'attested' FROM time_rows WHERE tenant_id = 1000;
INSERT INTO api_tokens (tenant_id, name, scopes, token_sha256, hint, created_by, created_at, expires_on)
  VALUES (1000, 'bench', 'register:read months:read payroll:read archives:read', '$SHA', 'bita_bench', (SELECT id FROM users WHERE username = 'admin.last'), '2026-01-01T00:00:00Z', '2099-12-31');
SQL
bench_load "$OUT/attest.sql"
bench_analyse
bench_restart
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

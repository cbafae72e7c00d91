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
source bench/lib.sh
bench_start
python3 bench/compare/figures.py 299 "$MONTH" $pg >"$OUT/figures.sql"
bench_load "$OUT/figures.sql"
echo "UPDATE tenants SET benchmarking = TRUE WHERE id = 1000;" >"$OUT/join.sql"; bench_load "$OUT/join.sql"
bench_analyse
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

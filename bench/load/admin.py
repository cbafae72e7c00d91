#!/usr/bin/env python3
"""The generated municipality's administrator (`admin.last`) views the month dashboard, a
search on it and the export page, one request at a time: bytes and server time (p50, max).
usage: admin.py BASE_URL MONTH [TIMES]"""
import statistics, sys, time
from login import login_as

base, month = sys.argv[1], sys.argv[2]
times = int(sys.argv[3]) if len(sys.argv) > 3 else 5
opener, _, _ = login_as(base, "admin.last", "/admin")
for name, path in [("dashboard", f"/admin?manad={month}"), ("dashboard, a search", f"/admin?manad={month}&q=A00042"), ("export page", f"/admin/export?manad={month}")]:
    took, size = [], 0
    for _ in range(times):
        t = time.perf_counter()
        size = len(opener.open(base + path).read())
        took.append(time.perf_counter() - t)
    print(f"ADMIN {name}: {size} bytes, p50 {statistics.median(took) * 1000:.0f} ms, max {max(took) * 1000:.0f} ms ({times} views, one at a time)")

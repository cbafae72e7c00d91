#!/usr/bin/env python3
"""SQL for N municipalities taking part in the comparison (issue 29), each with twelve months
of made-up figures for every measure, kept as if computed just now (so a refresh leaves them):
the other participants of a large installation, beside the generated municipality whose
figures are computed from its records.
usage: figures.py N LAST_MONTH(YYYY-MM) [--postgres] > figures.sql"""
import random, sys

n, last = int(sys.argv[1]), sys.argv[2]
postgres = "--postgres" in sys.argv
true = "TRUE" if postgres else "1"
year, month = map(int, last.split("-"))
months = []
for back in range(12):
    y, m = year, month - back
    while m < 1:
        y, m = y - 1, m + 12
    months.append(f"{y:04d}-{m:02d}")
metrics = ["submitted_by_1st", "submitted_by_5th", "days_to_attestation", "exported_in_time",
           "payable_of_granted", "corrections_per_100"] + [f"findings_per_1000_v{i}" for i in range(1, 11)] + [
           "rows_clock", "rows_plan", "rows_typed"]
random.seed(29)
print("BEGIN;")
for i in range(n):
    t = 20000 + i
    print(f"INSERT INTO tenants (id, name, org_number, contact_person, phone, benchmarking) VALUES ({t}, 'Kommun {i}', '{2130000000 + i}', 'K', '010', {true});")
    values = ",\n".join(f"({t}, '{m}', '{k}', {random.uniform(0, 100):.3f})" for m in months for k in metrics)
    print(f"INSERT INTO benchmark_figures (tenant_id, month, metric, value) VALUES\n{values};")
    print(f"INSERT INTO benchmark_runs (tenant_id, stamp, last_month, computed_at) VALUES ({t}, 0, '{last}', '2026-01-01T00:00:00Z');")
print("COMMIT;")

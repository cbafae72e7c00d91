-- Issue 29: municipalities compare themselves. Taking part is a municipality's own choice (off
-- by default); only the figures of those taking part are computed and counted.
ALTER TABLE tenants ADD COLUMN benchmarking INTEGER NOT NULL DEFAULT 0 CHECK (benchmarking IN (0, 1));

-- The rows an assistant's clock made (a shift ended or switched), so a month can say how many
-- of its rows came from the clock, the plan (`planned_shifts.row_id`) or were typed.
CREATE TABLE clocked_rows (
    row_id      INTEGER PRIMARY KEY REFERENCES time_rows(id) ON DELETE CASCADE,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id)
);
-- The clock's rows before this table: their audit entries name them (an end: "shift 7 → row
-- 42"; a switch: the row in what it wrote).
INSERT OR IGNORE INTO clocked_rows (row_id, tenant_id)
    SELECT t.id, t.tenant_id FROM audit_log a
    JOIN time_rows t ON t.tenant_id = a.tenant_id
        AND t.id = CASE a.action
            WHEN 'shift.stop' THEN CAST(substr(a.subject, instr(a.subject, '→ row ') + length('→ row ')) AS INTEGER)
            ELSE json_extract(a.after, '$.row.id') END
    WHERE (a.action = 'shift.stop' AND instr(a.subject, '→ row ') > 0)
       OR (a.action = 'shift.switch' AND json_valid(a.after));

-- A taking part municipality's figures per month and measure (NULL: nothing to compute it
-- from), as computed at `benchmark_runs.stamp` (its audit log's last entry then) for the
-- months up to `last_month`.
CREATE TABLE benchmark_figures (
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    month       TEXT NOT NULL CHECK (length(month) = 7),
    metric      TEXT NOT NULL,
    value       REAL,
    PRIMARY KEY (tenant_id, month, metric)
) WITHOUT ROWID;
CREATE TABLE benchmark_runs (
    tenant_id   INTEGER PRIMARY KEY REFERENCES tenants(id),
    stamp       INTEGER NOT NULL,
    last_month  TEXT NOT NULL,      -- the newest month computed
    computed_at TEXT NOT NULL       -- RFC 3339
);
-- The spread of each month's measure over the municipalities taking part: how many gave a
-- figure, its quartiles and median (NULL below the five a figure needs to be shown).
CREATE TABLE benchmark_spreads (
    month        TEXT NOT NULL CHECK (length(month) = 7),
    metric       TEXT NOT NULL,
    contributors INTEGER NOT NULL,
    q1           REAL,
    median       REAL,
    q3           REAL,
    PRIMARY KEY (month, metric)
) WITHOUT ROWID;

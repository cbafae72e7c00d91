-- Issue 29: municipalities compare themselves. Taking part is a municipality's own choice (off
-- by default); only the figures of those taking part are computed and counted.
ALTER TABLE tenants ADD COLUMN benchmarking boolean NOT NULL DEFAULT FALSE;

-- The rows an assistant's clock made (a shift ended or switched), so a month can say how many
-- of its rows came from the clock, the plan (`planned_shifts.row_id`) or were typed.
CREATE TABLE clocked_rows (
    row_id      bigint PRIMARY KEY REFERENCES time_rows(id) ON DELETE CASCADE,
    tenant_id   bigint NOT NULL REFERENCES tenants(id)
);
-- The clock's rows before this table: their audit entries name them (an end: "shift 7 → row
-- 42"; a switch: the row in what it wrote).
INSERT INTO clocked_rows (row_id, tenant_id)
    SELECT t.id, t.tenant_id FROM audit_log a
    JOIN time_rows t ON t.tenant_id = a.tenant_id
        AND t.id = CASE a.action
            WHEN 'shift.stop' THEN CAST(substring(a.subject FROM '→ row ([0-9]+)$') AS bigint)
            ELSE CAST(a.after::jsonb #>> '{row,id}' AS bigint) END
    WHERE (a.action = 'shift.stop' AND a.subject ~ '→ row [0-9]+$')
       OR (a.action = 'shift.switch' AND a.after IS NOT NULL AND a.after LIKE '{%')
    ON CONFLICT DO NOTHING;

-- A taking part municipality's figures per month and measure (NULL: nothing to compute it
-- from), as computed at `benchmark_runs.stamp` (its audit log's last entry then) for the
-- months up to `last_month`.
CREATE TABLE benchmark_figures (
    tenant_id   bigint NOT NULL REFERENCES tenants(id),
    month       text NOT NULL CHECK (length(month) = 7),
    metric      text NOT NULL,
    value       double precision,
    PRIMARY KEY (tenant_id, month, metric)
);
CREATE TABLE benchmark_runs (
    tenant_id   bigint PRIMARY KEY REFERENCES tenants(id),
    stamp       bigint NOT NULL,
    last_month  text NOT NULL,      -- the newest month computed
    computed_at text NOT NULL       -- RFC 3339
);
-- The spread of each month's measure over the municipalities taking part: how many gave a
-- figure, its quartiles and median (NULL below the five a figure needs to be shown).
CREATE TABLE benchmark_spreads (
    month        text NOT NULL CHECK (length(month) = 7),
    metric       text NOT NULL,
    contributors bigint NOT NULL,
    q1           double precision,
    median       double precision,
    q3           double precision,
    PRIMARY KEY (month, metric)
);

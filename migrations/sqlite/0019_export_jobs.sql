-- Issue 28: the month's export runs as a background job. Its state is here, not in a server's
-- memory, so any server of the installation shows its progress, and a job whose server
-- stopped (its heartbeat `beat_at` gone stale) is taken over by another, or by the same one
-- after a restart. At most one job per municipality and month runs at a time: a second post
-- joins the first.
CREATE TABLE export_jobs (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    month           TEXT NOT NULL CHECK (length(month) = 7),           -- YYYY-MM
    started_by      INTEGER NOT NULL REFERENCES users(id),
    state           TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    done            INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),       -- documents made
    total           INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),      -- 0 while gathering
    started_at      INTEGER NOT NULL,                                   -- unix seconds
    beat_at         INTEGER NOT NULL,                                   -- the runner's heartbeat
    runner          TEXT NOT NULL,                                      -- which run holds it
    runs            INTEGER NOT NULL DEFAULT 1 CHECK (runs >= 1),       -- 2+: taken over
    finished_at     INTEGER,
    outcome         TEXT                                                -- the answer (JSON)
);
CREATE UNIQUE INDEX export_jobs_one_running ON export_jobs (tenant_id, month) WHERE state = 'running';
CREATE INDEX export_jobs_by_month ON export_jobs (tenant_id, month, id);

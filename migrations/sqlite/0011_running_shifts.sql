-- Issue 11: clocking in and out. A started shift lives here until it is ended (it becomes a
-- time row, in the same transaction) or cancelled. At most one per assistant: an assistant
-- works one shift at a time, for one recipient (rule V3).
CREATE TABLE running_shifts (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    assistant_id    INTEGER NOT NULL UNIQUE REFERENCES assistants(id),
    recipient_id    INTEGER NOT NULL REFERENCES recipients(id),
    kind            TEXT NOT NULL CHECK (kind IN ('aktiv', 'vantetid', 'beredskap')),
    started_at      INTEGER NOT NULL,       -- Unix seconds, a whole minute
    started_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

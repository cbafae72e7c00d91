-- Integrity before real personnummer: what must never exist is refused by the database itself,
-- whatever the service layer does. Every change runs in one transaction with its audit entry.

-- A row's real instants (unix seconds, UTC), so overlaps and duplicates can be refused here.
-- Filled for new rows by the adapter; rows stored before this migration are filled at startup.
ALTER TABLE time_rows ADD COLUMN start_at INTEGER;
ALTER TABLE time_rows ADD COLUMN end_at INTEGER;
CREATE UNIQUE INDEX time_rows_one_start ON time_rows (assistant_id, start_at);
CREATE INDEX time_rows_by_instant ON time_rows (assistant_id, end_at);

-- No two rows of one assistant overlap, for any recipient (rule V3). A row is at most a day
-- and an hour long, so looking two days back finds every candidate through the index.
CREATE TRIGGER time_rows_no_overlap_insert BEFORE INSERT ON time_rows
WHEN NEW.start_at IS NOT NULL AND EXISTS (
    SELECT 1 FROM time_rows t
    WHERE t.assistant_id = NEW.assistant_id AND t.start_at > NEW.start_at - 172800 AND t.start_at < NEW.end_at AND t.end_at > NEW.start_at)
BEGIN SELECT RAISE(ABORT, 'bita: overlap'); END;

CREATE TRIGGER time_rows_no_overlap_update BEFORE UPDATE ON time_rows
WHEN NEW.start_at IS NOT NULL AND EXISTS (
    SELECT 1 FROM time_rows t
    WHERE t.assistant_id = NEW.assistant_id AND t.id <> OLD.id AND t.start_at > NEW.start_at - 172800 AND t.start_at < NEW.end_at AND t.end_at > NEW.start_at)
BEGIN SELECT RAISE(ABORT, 'bita: overlap'); END;

-- Rows change only while their month is a draft (brief §6).
CREATE TRIGGER time_rows_month_open_insert BEFORE INSERT ON time_rows
WHEN EXISTS (
    SELECT 1 FROM month_reports m
    WHERE m.tenant_id = NEW.tenant_id AND m.assistant_id = NEW.assistant_id AND m.recipient_id = NEW.recipient_id
      AND m.month = substr(NEW.work_date, 1, 7) AND m.status <> 'draft')
BEGIN SELECT RAISE(ABORT, 'bita: month locked'); END;

CREATE TRIGGER time_rows_month_open_delete BEFORE DELETE ON time_rows
WHEN EXISTS (
    SELECT 1 FROM month_reports m
    WHERE m.tenant_id = OLD.tenant_id AND m.assistant_id = OLD.assistant_id AND m.recipient_id = OLD.recipient_id
      AND m.month = substr(OLD.work_date, 1, 7) AND m.status <> 'draft')
BEGIN SELECT RAISE(ABORT, 'bita: month locked'); END;

CREATE TRIGGER time_rows_month_open_update BEFORE UPDATE ON time_rows
WHEN EXISTS (
    SELECT 1 FROM month_reports m
    WHERE m.tenant_id = OLD.tenant_id AND m.assistant_id = OLD.assistant_id AND m.recipient_id = OLD.recipient_id
      AND m.month IN (substr(OLD.work_date, 1, 7), substr(NEW.work_date, 1, 7)) AND m.status <> 'draft')
BEGIN SELECT RAISE(ABORT, 'bita: month locked'); END;

-- Idempotency: the first outcome of a form post, by the key the form carried. A replayed post
-- finds it here and changes nothing.
CREATE TABLE idempotency_keys (
    user_id     INTEGER NOT NULL REFERENCES users(id),
    key         TEXT NOT NULL CHECK (length(key) BETWEEN 16 AND 64),
    action      TEXT NOT NULL,
    outcome     TEXT NOT NULL,          -- JSON: where the post led and what it said
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_id, key)
);

-- The month's history: every submission, approval, rejection (with its reason), kept.
CREATE TABLE month_events (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    month_report_id INTEGER NOT NULL REFERENCES month_reports(id),
    at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    action          TEXT NOT NULL,
    reason          TEXT,
    content_hash    TEXT                -- SHA-256 of the month's rows when the step was taken
);
CREATE INDEX month_events_by_report ON month_events (month_report_id);

-- The audit log says who, when, from where and what (before/after). Logins and refused
-- attempts have no tenant or user when the username is unknown.
CREATE TABLE audit_log_v2 (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER REFERENCES tenants(id),
    user_id     INTEGER REFERENCES users(id),
    actor       TEXT,                   -- the username as typed, for login events
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    client      TEXT,                   -- client address
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    before      TEXT,                   -- JSON, personnummer masked
    after       TEXT                    -- JSON, personnummer masked
);
INSERT INTO audit_log_v2 (id, tenant_id, user_id, at, action, subject)
    SELECT id, tenant_id, user_id, at, action, subject FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_v2 RENAME TO audit_log;
CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, id);

-- Failed logins per username and per client address: back-off, then a temporary lock.
CREATE TABLE login_throttle (
    key             TEXT PRIMARY KEY,   -- 'user:<name>' or 'client:<address>'
    failures        INTEGER NOT NULL,
    last_failure    INTEGER NOT NULL,   -- unix seconds
    blocked_until   INTEGER NOT NULL    -- unix seconds
);

-- Accounts can be deactivated; a deactivated account's sessions stop working.
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));

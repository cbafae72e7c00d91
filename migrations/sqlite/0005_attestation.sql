-- Provider attestation: the 3059 is frozen when the municipality attests it. The exact bytes
-- and their SHA-256 are stored and are what is exported; a signed document is never rendered
-- again from live records. Append-only: a correction adds a new version.

CREATE TABLE frozen_reports (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    month_report_id INTEGER NOT NULL REFERENCES month_reports(id),
    version         INTEGER NOT NULL DEFAULT 1,
    report_id       TEXT NOT NULL UNIQUE,       -- the 3059's UUID (FK's id)
    xml             BLOB NOT NULL,              -- the canonical bytes, exactly as exported
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    attested_by     INTEGER NOT NULL REFERENCES users(id),
    attested_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (month_report_id, version)
);

CREATE TRIGGER frozen_reports_no_update BEFORE UPDATE ON frozen_reports
BEGIN SELECT RAISE(ABORT, 'bita: frozen reports are append-only'); END;
CREATE TRIGGER frozen_reports_no_delete BEFORE DELETE ON frozen_reports
BEGIN SELECT RAISE(ABORT, 'bita: frozen reports are append-only'); END;

-- The provider's own facts the 3059 and 3057 carry.
ALTER TABLE tenants ADD COLUMN f_skatt INTEGER NOT NULL DEFAULT 1 CHECK (f_skatt IN (0, 1));
ALTER TABLE tenants ADD COLUMN ivo_permit TEXT NOT NULL DEFAULT '';

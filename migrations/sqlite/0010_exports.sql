-- Month-end exports (issue 10): every archive made is kept, byte for byte; a correction makes
-- a new version of the month's archive and never changes an old one.

CREATE TABLE exports (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    month           TEXT NOT NULL,                       -- YYYY-MM
    version         INTEGER NOT NULL CHECK (version >= 1),
    created_at      TEXT NOT NULL,                       -- ISO 8601 with offset
    created_by      INTEGER NOT NULL REFERENCES users(id),
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    manifest_sha256 TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
    files           INTEGER NOT NULL,
    corrections     INTEGER NOT NULL DEFAULT 0,
    bytes           INTEGER NOT NULL,
    archive         BLOB NOT NULL,
    UNIQUE (tenant_id, month, version)
);

CREATE TRIGGER exports_no_update BEFORE UPDATE ON exports
BEGIN SELECT RAISE(ABORT, 'bita: archives are never changed'); END;
CREATE TRIGGER exports_no_delete BEFORE DELETE ON exports
BEGIN SELECT RAISE(ABORT, 'bita: archives are never deleted'); END;

-- The municipality's own hourly amount for assistance under LSS (the LSS report's amount).
ALTER TABLE tenants ADD COLUMN lss_rate TEXT;

-- FK's blank fillable forms as the municipality uploaded them (decrypted), with the mapping of
-- values to field names (JSON) and the mapped fields the form lacks. The latest of each kind
-- is used; older ones stay for the record.
CREATE TABLE fk_forms (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    kind        TEXT NOT NULL CHECK (kind IN ('3059', '3057')),
    pdf         BLOB NOT NULL,
    mapping     TEXT NOT NULL,
    fields      INTEGER NOT NULL,
    missing     TEXT NOT NULL DEFAULT '[]',
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    uploaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX fk_forms_latest ON fk_forms (tenant_id, kind, id);

-- The payroll system's employment id (anställningsnummer) of an assistant, for payroll files.
ALTER TABLE assistants ADD COLUMN employee_number TEXT NOT NULL DEFAULT '';

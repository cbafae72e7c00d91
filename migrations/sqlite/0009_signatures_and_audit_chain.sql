-- Issue 9: the recipient signs. Signature records, the räkning (FK 3057), what a rejection
-- marked, and an append-only audit log chained by SHA-256 per municipality.

-- The audit log becomes a chain: each entry holds the hash of the entry before it (in the same
-- municipality; entries without one form the installation's own chain) and the hash of that
-- link and its own content (`app::domain::audit::entry_hash`). Entries written before this
-- migration are sealed once at start-up, in order; after that nothing can change or remove one.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
WHEN NEW.hash IS NULL OR length(NEW.hash) != 64 OR NEW.prev_hash IS NULL
BEGIN SELECT RAISE(ABORT, 'bita: audit entries must be chained'); END;

-- The only update ever allowed: sealing an entry written before the chain existed.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.hash IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.tenant_id IS NOT OLD.tenant_id OR NEW.user_id IS NOT OLD.user_id
  OR NEW.actor IS NOT OLD.actor OR NEW.at IS NOT OLD.at OR NEW.client IS NOT OLD.client
  OR NEW.action IS NOT OLD.action OR NEW.subject IS NOT OLD.subject
  OR NEW.before IS NOT OLD.before OR NEW.after IS NOT OLD.after
BEGIN SELECT RAISE(ABORT, 'bita: the audit log is append-only'); END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'bita: the audit log is append-only'); END;

-- The 3059's id, chosen when the assistant submits: what the recipient approves is the
-- canonical document with this id, and the provider attests the same document.
ALTER TABLE month_reports ADD COLUMN document_id TEXT;

-- A rejection keeps the rows as the recipient saw them (JSON) and which of them they marked,
-- so the assistant sees the marks and the recipient later sees what changed.
ALTER TABLE month_events ADD COLUMN snapshot TEXT;

-- The day parts of a frozen 3059 (JSON), written with its bytes from the same document: the
-- räkning sums these, never live rows and never typed numbers.
ALTER TABLE frozen_reports ADD COLUMN parts TEXT;

-- The räkning (FK 3057) of one recipient and month: the answers FK asks that no time row
-- holds. The totals come from the frozen 3059s.
CREATE TABLE claims (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    recipient_id    INTEGER NOT NULL REFERENCES recipients(id),
    month           TEXT NOT NULL,          -- YYYY-MM
    answers         TEXT NOT NULL DEFAULT '{}',     -- JSON: childcare, school, daily activity
    costs           TEXT,                   -- JSON cost table, with a raised hourly amount
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (tenant_id, recipient_id, month)
);

-- A signature record: who signed which exact content, in which capacity, when. The signed
-- bytes and their SHA-256 are kept. A signature is never removed: a later change of the
-- content voids it (voided_at, with why), visibly, and a new one is needed.
CREATE TABLE signatures (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    month_report_id INTEGER REFERENCES month_reports(id),   -- an approval of a 3059
    claim_id        INTEGER REFERENCES claims(id),          -- a signed 3057
    user_id         INTEGER NOT NULL REFERENCES users(id),
    signer_name     TEXT NOT NULL,
    capacity        TEXT NOT NULL CHECK (capacity IN ('self', 'vardnadshavare', 'god_man', 'forvaltare')),
    signed_at       TEXT NOT NULL,
    document_id     TEXT NOT NULL,
    content         BLOB NOT NULL,
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    voided_at       TEXT,
    voided_reason   TEXT,
    CHECK ((month_report_id IS NULL) != (claim_id IS NULL))
);
-- Two people approving the same month at once: one signature record, never two.
CREATE UNIQUE INDEX signatures_one_approval ON signatures (month_report_id) WHERE month_report_id IS NOT NULL AND voided_at IS NULL;
CREATE UNIQUE INDEX signatures_one_claim ON signatures (claim_id) WHERE claim_id IS NOT NULL AND voided_at IS NULL;
CREATE INDEX signatures_by_tenant ON signatures (tenant_id);

CREATE TRIGGER signatures_only_voided BEFORE UPDATE ON signatures
WHEN OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.tenant_id IS NOT OLD.tenant_id OR NEW.month_report_id IS NOT OLD.month_report_id
  OR NEW.claim_id IS NOT OLD.claim_id OR NEW.user_id IS NOT OLD.user_id OR NEW.signer_name IS NOT OLD.signer_name
  OR NEW.capacity IS NOT OLD.capacity OR NEW.signed_at IS NOT OLD.signed_at OR NEW.document_id IS NOT OLD.document_id
  OR NEW.content IS NOT OLD.content OR NEW.sha256 IS NOT OLD.sha256
BEGIN SELECT RAISE(ABORT, 'bita: a signature can only be voided'); END;

CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
BEGIN SELECT RAISE(ABORT, 'bita: signatures are kept'); END;

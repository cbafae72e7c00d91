-- Issue 26: sign-in and signing with e-legitimation through OpenID Connect.

-- How a municipality's people sign in: its short address (/logga-in/<login_slug>), whether
-- BITA's own passwords are allowed, and what needs a strong sign-in (a comma list of
-- admin, personnummer, health, signing; engine::people::StrongFor).
ALTER TABLE tenants ADD COLUMN login_slug TEXT;
ALTER TABLE tenants ADD COLUMN password_login INTEGER NOT NULL DEFAULT 1 CHECK (password_login IN (0, 1));
ALTER TABLE tenants ADD COLUMN strong_for TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX tenants_login_slug ON tenants (login_slug) WHERE login_slug IS NOT NULL;

-- A municipality's OpenID providers: its own (staff) and an e-legitimation broker (citizens).
-- The client secret is written, never shown again.
CREATE TABLE identity_providers (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    name            TEXT NOT NULL,
    issuer          TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    client_secret   TEXT NOT NULL,
    scopes          TEXT NOT NULL DEFAULT 'openid',
    pnr_claim       TEXT NOT NULL DEFAULT '',
    email_claim     TEXT NOT NULL DEFAULT '',
    strong_acr      TEXT NOT NULL DEFAULT '',       -- space-separated acr values that count as strong
    removed_at      TEXT,
    UNIQUE (tenant_id, issuer, client_id)
);

-- Who a provider's subject is in BITA: stored at the first sign-in (matched by personnummer,
-- the staff claim or an invitation) and used from then on.
CREATE TABLE identity_links (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    issuer          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    linked_at       TEXT NOT NULL,
    how             TEXT NOT NULL CHECK (how IN ('personnummer', 'claim', 'invitation')),
    UNIQUE (issuer, subject)
);
CREATE INDEX identity_links_by_user ON identity_links (user_id);

-- A signature's kind and, for e-legitimation, its evidence (JSON: the ID token as it came,
-- the provider's key that verified it, the issuer, acr, auth_time, the nonce's salt and the
-- masked personnummer).
ALTER TABLE signatures ADD COLUMN method TEXT NOT NULL DEFAULT 'password' CHECK (method IN ('password', 'eid'));
ALTER TABLE signatures ADD COLUMN evidence TEXT;
CREATE TRIGGER signatures_evidence_kept BEFORE UPDATE ON signatures
WHEN NEW.method IS NOT OLD.method OR NEW.evidence IS NOT OLD.evidence
BEGIN SELECT RAISE(ABORT, 'bita: a signature can only be voided'); END;

-- Issue 26: a local account's second factor: a TOTP secret (RFC 6238), enrolled with a QR code
-- and confirmed with a first code, and ten recovery codes (their SHA-256 only), each used once.
-- `last_step` is the last 30-second step a code was accepted for: a code works once.
CREATE TABLE second_factors (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id),
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    secret          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    confirmed_at    TEXT,
    last_step       INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE recovery_codes (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    code_sha256     TEXT NOT NULL CHECK (length(code_sha256) = 64),
    used_at         TEXT,
    UNIQUE (user_id, code_sha256)
);

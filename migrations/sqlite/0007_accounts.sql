-- Accounts and invitations (issue 8): an account is created without a password; the person
-- chooses one through a one-time link that expires after 7 days. Only the link's SHA-256 is kept.
CREATE TABLE invitations (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    token_sha256  TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    expires_at    INTEGER NOT NULL,         -- unix seconds
    used_at       INTEGER,                  -- unix seconds; also set when a newer link replaces it
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX invitations_by_user ON invitations (user_id);

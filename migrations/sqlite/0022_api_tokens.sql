-- Issue 29: back-office systems reach BITA through `/api/v1` with a token an administrator
-- made for their municipality. Only the token's SHA-256 is kept (it is 244 random bits: no
-- password hash needed); its first characters tell tokens apart on the page. `scopes` is a
-- space-separated list of what it may do.
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scopes      TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    hint        TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    expires_on  TEXT NOT NULL,          -- YYYY-MM-DD, its last day
    revoked_at  TEXT
);
CREATE INDEX api_tokens_by_tenant ON api_tokens (tenant_id, id);

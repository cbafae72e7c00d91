-- The provider's own settings (issue 8): FK's yearly standard hourly amount (schablonbelopp),
-- entered by the administrator, and the rule settings the engine's RuleConfig holds, per
-- municipality. Representatives, their capacity and accounts; e-mail for invitations.

CREATE TABLE rates (
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    year        INTEGER NOT NULL CHECK (year BETWEEN 1994 AND 2200),
    amount      TEXT NOT NULL,              -- decimal kronor, e.g. 332.60
    PRIMARY KEY (tenant_id, year)
);
INSERT INTO rates (tenant_id, year, amount) SELECT id, 2023, '324.50' FROM tenants;
INSERT INTO rates (tenant_id, year, amount) SELECT id, 2024, '332.60' FROM tenants;
CREATE TRIGGER tenants_seed_rates AFTER INSERT ON tenants
BEGIN
    INSERT INTO rates (tenant_id, year, amount) VALUES (NEW.id, 2023, '324.50'), (NEW.id, 2024, '332.60');
END;

-- The engine's RuleConfig as JSON; a missing row or field means the engine's default.
CREATE TABLE rule_settings (
    tenant_id   INTEGER PRIMARY KEY REFERENCES tenants(id),
    settings    TEXT NOT NULL
);

-- A representative is a user (role 'representative') acting for recipients in a capacity; the
-- 3057 carries their name and personnummer. Ending a representation keeps it (ended_on).
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN personnummer TEXT;
ALTER TABLE representations ADD COLUMN ended_on TEXT;
CREATE UNIQUE INDEX users_representative_pnr ON users (tenant_id, personnummer) WHERE personnummer IS NOT NULL;

-- A CSV import between its dry run and the import itself: the uploaded bytes, kept for the
-- administrator who uploaded them, removed when imported (or after a day).
CREATE TABLE import_drafts (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    bytes       BLOB NOT NULL,
    report      TEXT NOT NULL,              -- the dry run's report (JSON)
    created_at  INTEGER NOT NULL            -- unix seconds
);

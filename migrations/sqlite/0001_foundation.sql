-- BITA foundation: municipalities (tenants), people, roles, assignments, time rows and the
-- month's life cycle. Written to port to PostgreSQL: plain types, dates and times as ISO text,
-- every person-data table carries tenant_id.

CREATE TABLE tenants (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    org_number      TEXT NOT NULL UNIQUE,   -- organisationsnummer, 10 digits
    contact_person  TEXT NOT NULL,
    phone           TEXT NOT NULL,
    created_at      TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE recipients (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    personnummer    TEXT NOT NULL,          -- 12 digits; never shown unmasked in lists
    first_name      TEXT NOT NULL,
    last_name       TEXT NOT NULL,
    UNIQUE (tenant_id, personnummer)
);

CREATE TABLE assistants (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    personnummer    TEXT NOT NULL,          -- personnummer or samordningsnummer
    first_name      TEXT NOT NULL,
    last_name       TEXT NOT NULL,
    UNIQUE (tenant_id, personnummer)
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    username        TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,          -- argon2id, PHC string
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'assistant', 'recipient', 'representative')),
    assistant_id    INTEGER REFERENCES assistants(id),
    recipient_id    INTEGER REFERENCES recipients(id),
    created_at      TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (role <> 'assistant' OR assistant_id IS NOT NULL),
    CHECK (role <> 'recipient' OR recipient_id IS NOT NULL)
);

-- A representative (vårdnadshavare, god man, förvaltare) acts for named recipients.
CREATE TABLE representations (
    user_id         INTEGER NOT NULL REFERENCES users(id),
    recipient_id    INTEGER NOT NULL REFERENCES recipients(id),
    kind            TEXT NOT NULL CHECK (kind IN ('vardnadshavare', 'god_man', 'forvaltare')),
    PRIMARY KEY (user_id, recipient_id)
);

CREATE TABLE assignments (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    assistant_id    INTEGER NOT NULL REFERENCES assistants(id),
    recipient_id    INTEGER NOT NULL REFERENCES recipients(id),
    valid_from      TEXT NOT NULL,          -- YYYY-MM-DD
    valid_to        TEXT                    -- YYYY-MM-DD inclusive, NULL = until further notice
);
CREATE INDEX assignments_by_assistant ON assignments (tenant_id, assistant_id);

-- One per assistant x recipient x month: the month's life cycle.
CREATE TABLE month_reports (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    assistant_id    INTEGER NOT NULL REFERENCES assistants(id),
    recipient_id    INTEGER NOT NULL REFERENCES recipients(id),
    month           TEXT NOT NULL,          -- YYYY-MM
    status          TEXT NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'submitted', 'approved', 'attested', 'exported')),
    rejected_reason TEXT,
    updated_at      TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_by      INTEGER REFERENCES users(id),
    UNIQUE (tenant_id, assistant_id, recipient_id, month)
);

CREATE TABLE time_rows (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    assistant_id    INTEGER NOT NULL REFERENCES assistants(id),
    recipient_id    INTEGER NOT NULL REFERENCES recipients(id),
    work_date       TEXT NOT NULL,          -- YYYY-MM-DD, the day the row starts
    start_time      TEXT NOT NULL,          -- HH:MM wall clock, Europe/Stockholm
    end_time        TEXT NOT NULL,          -- HH:MM wall clock
    ends_next_day   INTEGER NOT NULL DEFAULT 0 CHECK (ends_next_day IN (0, 1)),
    kind            TEXT NOT NULL CHECK (kind IN ('aktiv', 'vantetid', 'beredskap')),
    minutes         INTEGER NOT NULL CHECK (minutes > 0),
    created_at      TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    created_by      INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX time_rows_by_assistant ON time_rows (tenant_id, assistant_id, work_date);
CREATE INDEX time_rows_by_month ON time_rows (tenant_id, work_date);

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    at              TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    action          TEXT NOT NULL,
    subject         TEXT NOT NULL
);

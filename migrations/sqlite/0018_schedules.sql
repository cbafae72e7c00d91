-- Issue 27: schedules and the work leader.
--
-- The work leader is a role of its own ('work_leader'). SQLite cannot change the users'
-- CHECK in place, and the table's rebuild needs the foreign keys off, which cannot be done
-- inside the transaction sqlx runs every migration in: `server::db::widen_user_roles` does it
-- once, after the migrations (PostgreSQL alters its constraint in its 0008).

-- The recipients a work leader plans and follows (an administrator gives them).
CREATE TABLE work_leader_recipients (
    user_id         INTEGER NOT NULL REFERENCES users(id),
    recipient_id    INTEGER NOT NULL REFERENCES recipients(id),
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    PRIMARY KEY (user_id, recipient_id)
);
CREATE INDEX work_leader_recipients_by_recipient ON work_leader_recipients (tenant_id, recipient_id);

-- A recipient's base schedule (grundschema): `weeks` weeks from the Monday `starts_on`,
-- repeating; its shifts (weekday 0 is Monday; an end at or before the start runs past
-- midnight; no assistant: vacant).
CREATE TABLE base_schedules (
    recipient_id    INTEGER PRIMARY KEY REFERENCES recipients(id),
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    weeks           INTEGER NOT NULL CHECK (weeks BETWEEN 1 AND 8),
    starts_on       TEXT NOT NULL
);
CREATE TABLE base_shifts (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    recipient_id    INTEGER NOT NULL REFERENCES base_schedules(recipient_id),
    week            INTEGER NOT NULL CHECK (week BETWEEN 0 AND 7),
    weekday         INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_time      TEXT NOT NULL,
    end_time        TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('aktiv', 'vantetid', 'beredskap')),
    assistant_id    INTEGER REFERENCES assistants(id),
    CHECK (start_time <> end_time)
);
CREATE INDEX base_shifts_by_recipient ON base_shifts (tenant_id, recipient_id);

-- A recipient's month schedule, made from the base, published to the assistants when the
-- work leader says so (unix seconds).
CREATE TABLE schedule_months (
    recipient_id    INTEGER NOT NULL REFERENCES recipients(id),
    month           TEXT NOT NULL,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    published_at    INTEGER,
    PRIMARY KEY (recipient_id, month)
);

-- The month's planned shifts: the same columns as a time row (so one parser reads both),
-- the assistant or vacant, cancelled or not, extra (added by hand) or from the base; settled
-- by the assistant either as a time row (row_id: at most one shift per row; the row deleted,
-- the shift is open again) or as not worked.
CREATE TABLE planned_shifts (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    recipient_id    INTEGER NOT NULL,
    month           TEXT NOT NULL,
    assistant_id    INTEGER REFERENCES assistants(id),
    work_date       TEXT NOT NULL,
    start_time      TEXT NOT NULL,
    end_time        TEXT NOT NULL,
    ends_next_day   INTEGER NOT NULL DEFAULT 0 CHECK (ends_next_day IN (0, 1)),
    kind            TEXT NOT NULL CHECK (kind IN ('aktiv', 'vantetid', 'beredskap')),
    minutes         INTEGER NOT NULL CHECK (minutes > 0),
    dst_fold        TEXT CHECK (dst_fold IN ('summer', 'winter')),
    dst_fold_end    TEXT CHECK (dst_fold_end IN ('summer', 'winter')),
    start_at        INTEGER NOT NULL,
    end_at          INTEGER NOT NULL,
    cancelled       INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    extra           INTEGER NOT NULL DEFAULT 0 CHECK (extra IN (0, 1)),
    row_id          INTEGER UNIQUE REFERENCES time_rows(id) ON DELETE SET NULL,
    not_worked      INTEGER NOT NULL DEFAULT 0 CHECK (not_worked IN (0, 1)),
    CHECK (row_id IS NULL OR not_worked = 0),
    FOREIGN KEY (recipient_id, month) REFERENCES schedule_months(recipient_id, month)
);
CREATE INDEX planned_shifts_by_assistant ON planned_shifts (tenant_id, assistant_id, work_date);
CREATE INDEX planned_shifts_by_month ON planned_shifts (tenant_id, month, recipient_id);

-- An assistant's calendar subscription: the SHA-256 of the secret in its address.
CREATE TABLE calendar_feeds (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id),
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    token_sha256    TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64)
);

-- Reminders about unconfirmed shifts: one per assistant and day.
CREATE TABLE schedule_reminders (
    assistant_id    INTEGER NOT NULL REFERENCES assistants(id),
    day             TEXT NOT NULL,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    PRIMARY KEY (assistant_id, day)
);

-- Issue 28: a month's findings are kept, not recomputed on every view. Each assistant's and
-- recipient's findings of a month are stored (`kept_findings`) with the version of what they
-- were computed from (`kept_versions`). The triggers below raise a version in the transaction
-- of every change its findings depend on, whichever path made it (a page, an import, the API,
-- the command line), so an entry whose version is no longer the current one is never used.
-- An assistant's version covers their rows, their register entry and their assignments; a
-- recipient's covers the rows for them, their register entry, decisions and absences.
CREATE TABLE kept_versions (
    tenant_id   INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('a', 'r')),
    id          INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, kind, id)
) WITHOUT ROWID;

CREATE TABLE kept_findings (
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    month       TEXT NOT NULL CHECK (length(month) = 7),
    kind        TEXT NOT NULL CHECK (kind IN ('a', 'r')),
    id          INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    basis       TEXT NOT NULL,          -- the rules and settings they were computed by
    data        TEXT NOT NULL,          -- the app's (JSON): the scope's month but its findings
    errors      TEXT NOT NULL,          -- its errors (JSON), read with every view
    PRIMARY KEY (tenant_id, month, kind, id)
) WITHOUT ROWID;

-- Its warnings and notes (JSON), read only as far as the dashboard lists them: apart, so a
-- view's read of the month's entries stays small (a municipality can have 48 MB of them).
CREATE TABLE kept_others (
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    month       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    id          INTEGER NOT NULL,
    others      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, month, kind, id)
);

-- A recipient's rows, for recomputing their findings.
CREATE INDEX time_rows_by_recipient ON time_rows (tenant_id, recipient_id, work_date);

INSERT INTO kept_versions (tenant_id, kind, id) SELECT DISTINCT tenant_id, 'a', assistant_id FROM time_rows;
INSERT INTO kept_versions (tenant_id, kind, id) SELECT DISTINCT tenant_id, 'r', recipient_id FROM time_rows;

CREATE TRIGGER time_rows_kept_insert AFTER INSERT ON time_rows BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (NEW.tenant_id, 'a', NEW.assistant_id), (NEW.tenant_id, 'r', NEW.recipient_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER time_rows_kept_update AFTER UPDATE ON time_rows BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES
        (OLD.tenant_id, 'a', OLD.assistant_id), (OLD.tenant_id, 'r', OLD.recipient_id),
        (NEW.tenant_id, 'a', NEW.assistant_id), (NEW.tenant_id, 'r', NEW.recipient_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER time_rows_kept_delete AFTER DELETE ON time_rows BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (OLD.tenant_id, 'a', OLD.assistant_id), (OLD.tenant_id, 'r', OLD.recipient_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER assistants_kept AFTER UPDATE ON assistants BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (NEW.tenant_id, 'a', NEW.id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER recipients_kept AFTER UPDATE ON recipients BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (NEW.tenant_id, 'r', NEW.id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER assignments_kept_insert AFTER INSERT ON assignments BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (NEW.tenant_id, 'a', NEW.assistant_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER assignments_kept_update AFTER UPDATE ON assignments BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (OLD.tenant_id, 'a', OLD.assistant_id), (NEW.tenant_id, 'a', NEW.assistant_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER assignments_kept_delete AFTER DELETE ON assignments BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (OLD.tenant_id, 'a', OLD.assistant_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER decisions_kept_insert AFTER INSERT ON decisions BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (NEW.tenant_id, 'r', NEW.recipient_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER decisions_kept_update AFTER UPDATE ON decisions BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (OLD.tenant_id, 'r', OLD.recipient_id), (NEW.tenant_id, 'r', NEW.recipient_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER decisions_kept_delete AFTER DELETE ON decisions BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (OLD.tenant_id, 'r', OLD.recipient_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER absences_kept_insert AFTER INSERT ON absences BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (NEW.tenant_id, 'r', NEW.recipient_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER absences_kept_update AFTER UPDATE ON absences BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (OLD.tenant_id, 'r', OLD.recipient_id), (NEW.tenant_id, 'r', NEW.recipient_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER absences_kept_delete AFTER DELETE ON absences BEGIN
    INSERT INTO kept_versions (tenant_id, kind, id) VALUES (OLD.tenant_id, 'r', OLD.recipient_id)
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = version + 1;
END;

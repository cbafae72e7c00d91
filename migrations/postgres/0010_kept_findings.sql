-- Issue 28: a month's findings are kept, not recomputed on every view. Each assistant's and
-- recipient's findings of a month are stored (`kept_findings`) with the version of what they
-- were computed from (`kept_versions`). The triggers below raise a version in the transaction
-- of every change its findings depend on, whichever path made it (a page, an import, the API,
-- the command line), so an entry whose version is no longer the current one is never used.
-- An assistant's version covers their rows, their register entry and their assignments; a
-- recipient's covers the rows for them, their register entry, decisions and absences.
-- The triggers are per row, as on SQLite: a plain INSERT … ON CONFLICT whose plan PL/pgSQL
-- keeps (per statement over transition tables, with a SQL function, a saved row cost twice as
-- much: the function was planned again on every call).
CREATE TABLE kept_versions (
    tenant_id   bigint NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('a', 'r')),
    id          bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, kind, id)
);

CREATE TABLE kept_findings (
    tenant_id   bigint NOT NULL REFERENCES tenants(id),
    month       text NOT NULL CHECK (length(month) = 7),
    kind        text NOT NULL CHECK (kind IN ('a', 'r')),
    id          bigint NOT NULL,
    version     bigint NOT NULL,
    basis       text NOT NULL,
    data        text NOT NULL,
    errors      text NOT NULL,
    PRIMARY KEY (tenant_id, month, kind, id)
);

-- Its warnings and notes, read only as far as the dashboard lists them.
CREATE TABLE kept_others (
    tenant_id   bigint NOT NULL REFERENCES tenants(id),
    month       text NOT NULL,
    kind        text NOT NULL,
    id          bigint NOT NULL,
    others      text NOT NULL,
    PRIMARY KEY (tenant_id, month, kind, id)
);

CREATE INDEX time_rows_by_recipient ON time_rows (tenant_id, recipient_id, work_date);

INSERT INTO kept_versions (tenant_id, kind, id)
    SELECT DISTINCT tenant_id, 'a', assistant_id FROM time_rows
    UNION SELECT DISTINCT tenant_id, 'r', recipient_id FROM time_rows;

CREATE FUNCTION time_rows_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO kept_versions (tenant_id, kind, id) VALUES (NEW.tenant_id, 'a', NEW.assistant_id), (NEW.tenant_id, 'r', NEW.recipient_id)
            ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = kept_versions.version + 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO kept_versions (tenant_id, kind, id) VALUES (OLD.tenant_id, 'a', OLD.assistant_id), (OLD.tenant_id, 'r', OLD.recipient_id)
            ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = kept_versions.version + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER time_rows_kept AFTER INSERT OR UPDATE OR DELETE ON time_rows
    FOR EACH ROW EXECUTE FUNCTION time_rows_kept();

-- assistants and recipients: their own id; assignments: the assistant; decisions and
-- absences: the recipient (TG_ARGV[0] is the kind, TG_ARGV[1] the column).
CREATE FUNCTION kept_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO kept_versions (tenant_id, kind, id) VALUES (NEW.tenant_id, TG_ARGV[0], (to_jsonb(NEW) ->> TG_ARGV[1])::bigint)
            ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = kept_versions.version + 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO kept_versions (tenant_id, kind, id) VALUES (OLD.tenant_id, TG_ARGV[0], (to_jsonb(OLD) ->> TG_ARGV[1])::bigint)
            ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = kept_versions.version + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER assistants_kept AFTER UPDATE ON assistants
    FOR EACH ROW EXECUTE FUNCTION kept_changed('a', 'id');
CREATE TRIGGER recipients_kept AFTER UPDATE ON recipients
    FOR EACH ROW EXECUTE FUNCTION kept_changed('r', 'id');
CREATE TRIGGER assignments_kept AFTER INSERT OR UPDATE OR DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION kept_changed('a', 'assistant_id');
CREATE TRIGGER decisions_kept AFTER INSERT OR UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION kept_changed('r', 'recipient_id');
CREATE TRIGGER absences_kept AFTER INSERT OR UPDATE OR DELETE ON absences
    FOR EACH ROW EXECUTE FUNCTION kept_changed('r', 'recipient_id');

-- Issue 28: a month's findings are kept, not recomputed on every view. Each assistant's and
-- recipient's findings of a month are stored (`kept_findings`) with the version of what they
-- were computed from (`kept_versions`). The triggers below raise a version in the transaction
-- of every change its findings depend on, whichever path made it (a page, an import, the API,
-- the command line), so an entry whose version is no longer the current one is never used.
-- An assistant's version covers their rows, their register entry and their assignments; a
-- recipient's covers the rows for them, their register entry, decisions and absences.
-- The triggers are per statement, over its transition tables: an import of thousands of rows
-- raises each version once.
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

-- `changed`: the (tenant, kind, id) a statement touched, each once.
CREATE FUNCTION kept_bump(changed_tenant bigint[], changed_kind text[], changed_id bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO kept_versions (tenant_id, kind, id)
        SELECT DISTINCT t, k, i FROM unnest(changed_tenant, changed_kind, changed_id) AS c(t, k, i)
    ON CONFLICT (tenant_id, kind, id) DO UPDATE SET version = kept_versions.version + 1;
$$;

CREATE FUNCTION time_rows_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM kept_bump(array_agg(tenant_id), array_agg(kind), array_agg(id)) FROM (
            SELECT tenant_id, 'a' AS kind, assistant_id AS id FROM new_rows
            UNION SELECT tenant_id, 'r', recipient_id FROM new_rows) c;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM kept_bump(array_agg(tenant_id), array_agg(kind), array_agg(id)) FROM (
            SELECT tenant_id, 'a' AS kind, assistant_id AS id FROM old_rows
            UNION SELECT tenant_id, 'r', recipient_id FROM old_rows) c;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER time_rows_kept_insert AFTER INSERT ON time_rows REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION time_rows_kept();
CREATE TRIGGER time_rows_kept_update AFTER UPDATE ON time_rows REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION time_rows_kept();
CREATE TRIGGER time_rows_kept_delete AFTER DELETE ON time_rows REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION time_rows_kept();

-- assistants and recipients: their own id; assignments: the assistant; decisions and
-- absences: the recipient (TG_ARGV[0] is the kind, TG_ARGV[1] the column).
CREATE FUNCTION kept_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM kept_bump(array_agg(n.tenant_id), array_agg(TG_ARGV[0]), array_agg((to_jsonb(n) ->> TG_ARGV[1])::bigint))
            FROM new_rows n;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM kept_bump(array_agg(o.tenant_id), array_agg(TG_ARGV[0]), array_agg((to_jsonb(o) ->> TG_ARGV[1])::bigint))
            FROM old_rows o;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER assistants_kept AFTER UPDATE ON assistants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('a', 'id');
CREATE TRIGGER recipients_kept AFTER UPDATE ON recipients REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('r', 'id');
CREATE TRIGGER assignments_kept_insert AFTER INSERT ON assignments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('a', 'assistant_id');
CREATE TRIGGER assignments_kept_update AFTER UPDATE ON assignments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('a', 'assistant_id');
CREATE TRIGGER assignments_kept_delete AFTER DELETE ON assignments REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('a', 'assistant_id');
CREATE TRIGGER decisions_kept_insert AFTER INSERT ON decisions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('r', 'recipient_id');
CREATE TRIGGER decisions_kept_update AFTER UPDATE ON decisions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('r', 'recipient_id');
CREATE TRIGGER decisions_kept_delete AFTER DELETE ON decisions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('r', 'recipient_id');
CREATE TRIGGER absences_kept_insert AFTER INSERT ON absences REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('r', 'recipient_id');
CREATE TRIGGER absences_kept_update AFTER UPDATE ON absences REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('r', 'recipient_id');
CREATE TRIGGER absences_kept_delete AFTER DELETE ON absences REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kept_changed('r', 'recipient_id');

-- Issue 28: a new row is checked against its pair's register entries (the assistant, the
-- recipient, their assignments, the recipient's decisions and absences). The server keeps
-- them in memory between rows, with the municipality's register version they were read at
-- (`server/src/db/facts.rs`); a row's change reads the version again under the
-- municipality's write lock and reads the entries anew when it moved. These triggers raise
-- the version in the transaction of every change of those tables, whichever path made it (a
-- page, an import, the API, the command line, another server), by one for each row changed.
CREATE TABLE register_versions (
    tenant_id   BIGINT PRIMARY KEY,
    version     BIGINT NOT NULL DEFAULT 1
);

CREATE FUNCTION register_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id)
            ON CONFLICT (tenant_id) DO UPDATE SET version = register_versions.version + 1;
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) THEN
        INSERT INTO register_versions (tenant_id) VALUES (OLD.tenant_id)
            ON CONFLICT (tenant_id) DO UPDATE SET version = register_versions.version + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER assistants_register AFTER INSERT OR UPDATE OR DELETE ON assistants
    FOR EACH ROW EXECUTE FUNCTION register_changed();
CREATE TRIGGER recipients_register AFTER INSERT OR UPDATE OR DELETE ON recipients
    FOR EACH ROW EXECUTE FUNCTION register_changed();
CREATE TRIGGER assignments_register AFTER INSERT OR UPDATE OR DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION register_changed();
CREATE TRIGGER decisions_register AFTER INSERT OR UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION register_changed();
CREATE TRIGGER absences_register AFTER INSERT OR UPDATE OR DELETE ON absences
    FOR EACH ROW EXECUTE FUNCTION register_changed();

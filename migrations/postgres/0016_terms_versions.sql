-- Issue 28: a new row's change inserts it in one statement when nothing its early read
-- covers has moved since (`insert_row_if_unmoved`); the rules it passed used the
-- municipality's terms (its hourly amounts, its LSS amount, its rule settings). These
-- triggers raise the register version (0015) when the terms change too, whichever path
-- changed them, so the version covers all an early read holds.
CREATE TRIGGER rates_register AFTER INSERT OR UPDATE OR DELETE ON rates
    FOR EACH ROW EXECUTE FUNCTION register_changed();
CREATE TRIGGER rule_settings_register AFTER INSERT OR UPDATE OR DELETE ON rule_settings
    FOR EACH ROW EXECUTE FUNCTION register_changed();

CREATE FUNCTION tenant_terms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.id)
        ON CONFLICT (tenant_id) DO UPDATE SET version = register_versions.version + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER tenants_terms AFTER UPDATE OF lss_rate ON tenants
    FOR EACH ROW WHEN (OLD.lss_rate IS DISTINCT FROM NEW.lss_rate) EXECUTE FUNCTION tenant_terms_changed();

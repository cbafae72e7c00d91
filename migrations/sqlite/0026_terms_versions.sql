-- Issue 28: a new row's change inserts it in one statement when nothing its early read
-- covers has moved since (`insert_row_if_unmoved`); the rules it passed used the
-- municipality's terms (its hourly amounts, its LSS amount, its rule settings). These
-- triggers raise the register version (0025) when the terms change too, whichever path
-- changed them, so the version covers all an early read holds.
CREATE TRIGGER rates_register_insert AFTER INSERT ON rates BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER rates_register_update AFTER UPDATE ON rates BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO register_versions (tenant_id) SELECT OLD.tenant_id WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER rates_register_delete AFTER DELETE ON rates BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (OLD.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER rule_settings_register_insert AFTER INSERT ON rule_settings BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER rule_settings_register_update AFTER UPDATE ON rule_settings BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO register_versions (tenant_id) SELECT OLD.tenant_id WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER rule_settings_register_delete AFTER DELETE ON rule_settings BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (OLD.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tenants_terms AFTER UPDATE OF lss_rate ON tenants WHEN OLD.lss_rate IS NOT NEW.lss_rate BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

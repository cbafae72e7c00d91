-- Issue 28: a new row is checked against its pair's register entries (the assistant, the
-- recipient, their assignments, the recipient's decisions and absences). The server keeps
-- them in memory between rows, with the municipality's register version they were read at
-- (`server/src/db/facts.rs`); a row's change reads the version again under the
-- municipality's write lock and reads the entries anew when it moved. These triggers raise
-- the version in the transaction of every change of those tables, whichever path made it (a
-- page, an import, the API, the command line, another server), by one for each row changed.
CREATE TABLE register_versions (
    tenant_id   INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TRIGGER assistants_register_insert AFTER INSERT ON assistants BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER assistants_register_update AFTER UPDATE ON assistants BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO register_versions (tenant_id) SELECT OLD.tenant_id WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER assistants_register_delete AFTER DELETE ON assistants BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (OLD.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER recipients_register_insert AFTER INSERT ON recipients BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER recipients_register_update AFTER UPDATE ON recipients BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO register_versions (tenant_id) SELECT OLD.tenant_id WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER recipients_register_delete AFTER DELETE ON recipients BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (OLD.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER assignments_register_insert AFTER INSERT ON assignments BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER assignments_register_update AFTER UPDATE ON assignments BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO register_versions (tenant_id) SELECT OLD.tenant_id WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER assignments_register_delete AFTER DELETE ON assignments BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (OLD.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER decisions_register_insert AFTER INSERT ON decisions BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER decisions_register_update AFTER UPDATE ON decisions BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO register_versions (tenant_id) SELECT OLD.tenant_id WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER decisions_register_delete AFTER DELETE ON decisions BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (OLD.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER absences_register_insert AFTER INSERT ON absences BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER absences_register_update AFTER UPDATE ON absences BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
    INSERT INTO register_versions (tenant_id) SELECT OLD.tenant_id WHERE OLD.tenant_id IS NOT NEW.tenant_id
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER absences_register_delete AFTER DELETE ON absences BEGIN
    INSERT INTO register_versions (tenant_id) VALUES (OLD.tenant_id) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

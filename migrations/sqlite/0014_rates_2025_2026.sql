-- Issue 24: the standard hourly amounts the government set for 2025 (342,60 kr) and 2026
-- (347,70 kr) (domain brief §4; engine::rates::RateTable::KNOWN_YEARS), for every municipality
-- that has not entered them, and for every new one.
INSERT INTO rates (tenant_id, year, amount) SELECT id, 2025, '342.60' FROM tenants WHERE NOT EXISTS (SELECT 1 FROM rates r WHERE r.tenant_id = tenants.id AND r.year = 2025);
INSERT INTO rates (tenant_id, year, amount) SELECT id, 2026, '347.70' FROM tenants WHERE NOT EXISTS (SELECT 1 FROM rates r WHERE r.tenant_id = tenants.id AND r.year = 2026);
DROP TRIGGER tenants_seed_rates;
CREATE TRIGGER tenants_seed_rates AFTER INSERT ON tenants
BEGIN
    INSERT INTO rates (tenant_id, year, amount) VALUES (NEW.id, 2023, '324.50'), (NEW.id, 2024, '332.60'), (NEW.id, 2025, '342.60'), (NEW.id, 2026, '347.70');
END;

-- Issue 24: the standard hourly amounts the government set for 2025 (342,60 kr) and 2026
-- (347,70 kr) (domain brief §4; engine::rates::RateTable::KNOWN_YEARS), for every municipality
-- that has not entered them, and for every new one.
INSERT INTO rates (tenant_id, year, amount) SELECT id, 2025, 342.60 FROM tenants ON CONFLICT (tenant_id, year) DO NOTHING;
INSERT INTO rates (tenant_id, year, amount) SELECT id, 2026, 347.70 FROM tenants ON CONFLICT (tenant_id, year) DO NOTHING;
CREATE OR REPLACE FUNCTION tenants_seed_rates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rates (tenant_id, year, amount) VALUES (NEW.id, 2023, 324.50), (NEW.id, 2024, 332.60), (NEW.id, 2025, 342.60), (NEW.id, 2026, 347.70);
    RETURN NULL;
END $$;

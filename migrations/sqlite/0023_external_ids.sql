-- Issue 29: a case-management system names recipients by its own ids; BITA keeps them, one per
-- recipient and municipality, so a second PUT of the same id changes the same recipient.
ALTER TABLE recipients ADD COLUMN external_id TEXT CHECK (length(external_id) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX recipients_by_external_id ON recipients (tenant_id, external_id) WHERE external_id IS NOT NULL;

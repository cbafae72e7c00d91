-- Issue 29: a case-management system names assistants, decisions and assignments by its own
-- ids too; one per entry and municipality, so a second PUT of the same id reaches the same entry.
ALTER TABLE assistants ADD COLUMN external_id TEXT CHECK (length(external_id) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX assistants_by_external_id ON assistants (tenant_id, external_id) WHERE external_id IS NOT NULL;
ALTER TABLE decisions ADD COLUMN external_id TEXT CHECK (length(external_id) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX decisions_by_external_id ON decisions (tenant_id, external_id) WHERE external_id IS NOT NULL;
ALTER TABLE assignments ADD COLUMN external_id TEXT CHECK (length(external_id) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX assignments_by_external_id ON assignments (tenant_id, external_id) WHERE external_id IS NOT NULL;

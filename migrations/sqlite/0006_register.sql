-- The register the administrator keeps in the browser (issue 8).
ALTER TABLE assistants ADD COLUMN phone TEXT NOT NULL DEFAULT '';
CREATE INDEX assistants_by_name ON assistants (tenant_id, last_name, first_name);

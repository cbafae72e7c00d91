-- Issue 26: the assistant's attestation on honour can be signed with e-legitimation (see
-- migrations/sqlite/0016_attestation_eid.sql).
ALTER TABLE signatures ADD COLUMN signed_as text NOT NULL DEFAULT 'recipient' CHECK (signed_as IN ('recipient', 'assistant'));
DROP INDEX signatures_one_approval;
CREATE UNIQUE INDEX signatures_one_approval ON signatures (month_report_id, signed_as) WHERE month_report_id IS NOT NULL AND voided_at IS NULL;
CREATE FUNCTION signatures_signed_as_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.signed_as IS DISTINCT FROM OLD.signed_as THEN
        RAISE EXCEPTION 'bita: a signature can only be voided';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER signatures_signed_as_kept BEFORE UPDATE ON signatures
FOR EACH ROW EXECUTE FUNCTION signatures_signed_as_kept();

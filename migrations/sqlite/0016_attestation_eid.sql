-- Issue 26: the assistant's attestation on honour can be signed with e-legitimation. It is a
-- signature of the month like the recipient's approval, told apart by who signs as what:
-- 'recipient' (the recipient or a representative: an approval or a räkning) or 'assistant'
-- (the attestation). One standing signature of each kind per month.
ALTER TABLE signatures ADD COLUMN signed_as TEXT NOT NULL DEFAULT 'recipient' CHECK (signed_as IN ('recipient', 'assistant'));
DROP INDEX signatures_one_approval;
CREATE UNIQUE INDEX signatures_one_approval ON signatures (month_report_id, signed_as) WHERE month_report_id IS NOT NULL AND voided_at IS NULL;
CREATE TRIGGER signatures_signed_as_kept BEFORE UPDATE ON signatures
WHEN NEW.signed_as IS NOT OLD.signed_as
BEGIN SELECT RAISE(ABORT, 'bita: a signature can only be voided'); END;

-- FK correctness (issue 7): what the engine needs to be right.

-- A birth date entered by the administrator when the assistant's samordningsnummer carries none.
ALTER TABLE assistants ADD COLUMN birth_date TEXT;

-- Who employs the assistant (the 3059's employer fields): the provider, another employer the
-- provider engages, the assistant themself, or the recipient (husligt arbete).
ALTER TABLE assistants ADD COLUMN employer TEXT NOT NULL DEFAULT 'provider' CHECK (employer IN ('provider', 'other', 'self', 'recipient'));
ALTER TABLE assistants ADD COLUMN other_employer_name TEXT;
ALTER TABLE assistants ADD COLUMN other_employer_org TEXT;

-- Hours granted per period: the length of each period in months (at most six); the decision's
-- validity may be longer (12 months with 6-month periods).
ALTER TABLE decisions ADD COLUMN period_months INTEGER CHECK (period_months BETWEEN 1 AND 6);

-- The repeated autumn hour: one choice per end of a row (dst_fold is the start's). Rows stored
-- before had one choice for both ends.
ALTER TABLE time_rows ADD COLUMN dst_fold_end TEXT CHECK (dst_fold_end IN ('summer', 'winter'));
UPDATE time_rows SET dst_fold_end = dst_fold WHERE dst_fold IS NOT NULL;

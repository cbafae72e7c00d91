-- FK correctness (issue 7): what the engine needs to be right.

-- A birth date entered by the administrator when the assistant's samordningsnummer carries none.
ALTER TABLE assistants ADD COLUMN birth_date TEXT;

-- Replies between letters (ADR 26): the date a letter asks its addressees to answer by,
-- and the letter an answer replies to. A letter waits for an answer from each addressee
-- until a sent letter of that addressee names it in `in_reply_to`.

ALTER TABLE letters ADD COLUMN reply_by TEXT;
ALTER TABLE letters ADD COLUMN in_reply_to UUID REFERENCES letters(id);
CREATE INDEX letters_in_reply_to ON letters(in_reply_to);

-- An agency's open dispositions, for what it owes (ADR 26).
CREATE INDEX letter_dispositions_agency ON letter_dispositions(agency_id, done);

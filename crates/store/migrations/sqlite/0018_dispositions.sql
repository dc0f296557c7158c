-- Dispositions (*disposisi*, ADR 22): a received letter passed on inside the receiving
-- agency to one of its people with an instruction and a due date, until done.

CREATE TABLE letter_dispositions (
    id           BLOB PRIMARY KEY,
    letter_id    BLOB NOT NULL REFERENCES letters(id),
    agency_id    BLOB NOT NULL REFERENCES agencies(id),
    to_user      BLOB NOT NULL REFERENCES users(id),
    instruction  TEXT NOT NULL,
    due          TEXT,
    done         INTEGER NOT NULL DEFAULT 0,
    note         TEXT,
    created_by   BLOB NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    done_at      INTEGER,
    version      INTEGER NOT NULL
);
CREATE INDEX letter_dispositions_letter ON letter_dispositions(letter_id, agency_id);
CREATE INDEX letter_dispositions_user ON letter_dispositions(to_user, done);

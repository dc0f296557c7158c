-- Dispositions (*disposisi*, ADR 22): a received letter passed on inside the receiving
-- agency to one of its people with an instruction and a due date, until done.

CREATE TABLE letter_dispositions (
    id           UUID PRIMARY KEY,
    letter_id    UUID NOT NULL REFERENCES letters(id),
    agency_id    UUID NOT NULL REFERENCES agencies(id),
    to_user      UUID NOT NULL REFERENCES users(id),
    instruction  TEXT NOT NULL,
    due          TEXT,
    done         BOOLEAN NOT NULL DEFAULT FALSE,
    note         TEXT,
    created_by   UUID NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    done_at      BIGINT,
    version      BIGINT NOT NULL
);
CREATE INDEX letter_dispositions_letter ON letter_dispositions(letter_id, agency_id);
CREATE INDEX letter_dispositions_user ON letter_dispositions(to_user, done);

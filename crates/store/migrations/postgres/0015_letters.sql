-- Official letters (naskah dinas, ADR 22). A letter belongs to its agency (the sender, or
-- the agency that registered a letter from outside); once sent it has a number from the
-- agency's sequence of its year (`letter_sequences`, one row per agency and year, moved
-- on in the sending transaction, so numbers have no gap and no repeat) and one row per
-- recipient with its receipts. A registered letter's number is unique per sender for
-- the agency that registered it. Its files (annexes, the scan of a registered letter) are
-- listed in `documents` (JSON), their bytes kept by content hash like every upload.

CREATE TABLE letter_formats (
    agency_id  UUID PRIMARY KEY REFERENCES agencies(id),
    format     TEXT NOT NULL
);

CREATE TABLE letter_sequences (
    agency_id  UUID NOT NULL REFERENCES agencies(id),
    year       BIGINT NOT NULL,
    last       BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);

CREATE TABLE letters (
    id               UUID PRIMARY KEY,
    agency_id        UUID NOT NULL REFERENCES agencies(id),
    status           TEXT NOT NULL,
    number           TEXT,
    seq_year         BIGINT,
    seq              BIGINT,
    letter_date      TEXT,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    nature           TEXT NOT NULL,
    signatory        TEXT NOT NULL,
    external_sender  TEXT,
    external_key     TEXT,
    documents        TEXT NOT NULL DEFAULT '[]',
    version          BIGINT NOT NULL,
    created_by       UUID NOT NULL REFERENCES users(id),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (agency_id, seq_year, seq),
    UNIQUE (agency_id, external_key)
);
CREATE INDEX letters_agency ON letters(agency_id, created_at);

CREATE TABLE letter_recipients (
    letter_id     UUID NOT NULL REFERENCES letters(id),
    agency_id     UUID NOT NULL REFERENCES agencies(id),
    role          TEXT NOT NULL,
    position      BIGINT NOT NULL,
    delivered_at  BIGINT,
    read_at       BIGINT,
    read_by       UUID REFERENCES users(id),
    PRIMARY KEY (letter_id, agency_id)
);
CREATE INDEX letter_recipients_agency ON letter_recipients(agency_id, delivered_at);


-- E-mail for reminders and reporting lines for letters (ADR 28).
--
-- A user may give an e-mail address; reminders are then also mailed to it. Mails wait in
-- `mail_outbox`, written in the same transaction as the reminder they belong to, and are
-- sent by the reminders' run with retries; a mail is sent at least once and, once
-- `sent_at` is set, never again.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE mail_outbox (
    id               UUID PRIMARY KEY,
    user_id          UUID REFERENCES users(id),
    to_addr          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    record_type      TEXT,
    record_id        TEXT,
    created_at       BIGINT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    sent_at          BIGINT,
    failed_at        BIGINT,
    last_error       TEXT
);
CREATE INDEX mail_outbox_waiting ON mail_outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Whom an agency reports to, when that is not its parent (a kelurahan to its kecamatan):
-- the route a letter follows upward. Without a row, an agency reports to its parent.
CREATE TABLE reporting_lines (
    agency_id    UUID PRIMARY KEY REFERENCES agencies(id),
    superior_id  UUID NOT NULL REFERENCES agencies(id),
    set_at       BIGINT NOT NULL
);

-- A letter passed up a reporting line: the holding agency forwards it, with a note, to
-- its superior, which becomes one of the letter's recipients (role 'forwarded').
CREATE TABLE letter_forwards (
    letter_id       UUID NOT NULL REFERENCES letters(id),
    from_agency_id  UUID NOT NULL REFERENCES agencies(id),
    to_agency_id    UUID NOT NULL REFERENCES agencies(id),
    note            TEXT NOT NULL,
    forwarded_by    UUID NOT NULL REFERENCES users(id),
    forwarded_at    BIGINT NOT NULL,
    PRIMARY KEY (letter_id, to_agency_id)
);

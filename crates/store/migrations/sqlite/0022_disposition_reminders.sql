-- Reminders of open dispositions (ADR 28): a disposition with a due date is an action item
-- of one person inside the receiving agency, reminded like the groups' items, each kind
-- ('due_soon', 'overdue') once.
CREATE TABLE disposition_reminders (
    disposition_id  BLOB NOT NULL REFERENCES letter_dispositions(id),
    kind            TEXT NOT NULL,
    sent_at         INTEGER NOT NULL,
    recipients      INTEGER NOT NULL,
    PRIMARY KEY (disposition_id, kind)
);
CREATE INDEX letter_dispositions_open_due ON letter_dispositions(done, due);

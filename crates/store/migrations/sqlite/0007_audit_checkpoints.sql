-- Signed checkpoints of the audit trail (ADR 8): each one is an Ed25519 signature, made
-- with a key kept outside the database, over the sequence number and hash of the newest
-- entry at `at` (Unix milliseconds). Rows are only ever added; `sinergi audit verify`
-- checks every one against the trail.
CREATE TABLE audit_checkpoints (
    id          INTEGER PRIMARY KEY,
    seq         INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    public_key  TEXT NOT NULL,
    signature   TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_seq ON audit_checkpoints(seq, at);

-- Sign-in state that every server on one database shares: the sign-in gate's rate-limit
-- buckets (one per client address, `*` for the whole service), failed sign-ins per user
-- name and address (the lock-out), and password-checked sign-ins waiting for their
-- second-factor code (by the SHA-256 of the continuation token).
CREATE TABLE sign_in_buckets (
    key     TEXT PRIMARY KEY,
    tokens  REAL NOT NULL,
    at      INTEGER NOT NULL
);

CREATE TABLE sign_in_failures (
    key       TEXT PRIMARY KEY,
    failures  INTEGER NOT NULL,
    first_at  INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_first_at ON sign_in_failures(first_at);

CREATE TABLE pending_sign_ins (
    token_hash      TEXT PRIMARY KEY,
    user_id         BLOB NOT NULL REFERENCES users(id),
    kind            TEXT NOT NULL,
    lifetime_hours  INTEGER,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX pending_sign_ins_expires ON pending_sign_ins(expires_at);

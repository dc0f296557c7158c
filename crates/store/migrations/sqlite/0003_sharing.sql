-- Data-sharing agreements and single-record referrals (also used for break-glass access).
-- An agreement's parties, approvals and clauses are one JSON document: agreements are few
-- and always read whole.
CREATE TABLE agreements (
    id           BLOB PRIMARY KEY,
    title        TEXT NOT NULL,
    number       TEXT NOT NULL,
    status       TEXT NOT NULL,
    valid_from   INTEGER NOT NULL,
    valid_until  INTEGER NOT NULL,
    definition   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_by   BLOB NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE referrals (
    id          BLOB PRIMARY KEY,
    report_id   BLOB NOT NULL REFERENCES reports(id),
    kind        TEXT NOT NULL,
    to_agency   BLOB REFERENCES agencies(id),
    to_user     BLOB REFERENCES users(id),
    reason      TEXT NOT NULL,
    until       INTEGER NOT NULL,
    created_by  BLOB NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX referrals_report ON referrals(report_id);
CREATE INDEX referrals_agency ON referrals(to_agency, until);
CREATE INDEX referrals_user ON referrals(to_user, until);

-- Installation-wide settings set by system administrators (JSON values).
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

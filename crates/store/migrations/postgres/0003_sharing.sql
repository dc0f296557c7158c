-- Data-sharing agreements and single-record referrals (also used for break-glass access).
-- An agreement's parties, approvals and clauses are one JSON document: agreements are few
-- and always read whole.
CREATE TABLE agreements (
    id           UUID PRIMARY KEY,
    title        TEXT NOT NULL,
    number       TEXT NOT NULL,
    status       TEXT NOT NULL,
    valid_from   BIGINT NOT NULL,
    valid_until  BIGINT NOT NULL,
    definition   TEXT NOT NULL,
    version      BIGINT NOT NULL,
    created_by   UUID NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE referrals (
    id          UUID PRIMARY KEY,
    report_id   UUID NOT NULL REFERENCES reports(id),
    kind        TEXT NOT NULL,
    to_agency   UUID REFERENCES agencies(id),
    to_user     UUID REFERENCES users(id),
    reason      TEXT NOT NULL,
    until       BIGINT NOT NULL,
    created_by  UUID NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
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

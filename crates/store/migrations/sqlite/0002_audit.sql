-- The append-only, hash-chained audit trail. No foreign keys: entries must outlive what
-- they describe, and a failed sign-in names a user who may not exist.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    BLOB,
    actor       TEXT NOT NULL,
    agency_id   BLOB,
    action      TEXT NOT NULL,
    record_type TEXT,
    record_id   TEXT,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_agency ON audit_log(agency_id, seq);
CREATE INDEX audit_record ON audit_log(record_id, seq);
CREATE INDEX audit_actor ON audit_log(actor, seq);

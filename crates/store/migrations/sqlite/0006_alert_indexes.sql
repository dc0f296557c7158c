-- sinergi: rebuilds-table
-- Alerts found by who sees them (owner agency, or the rule that named the reader) and by
-- area, newest first, without reading other agencies' alerts. In SQLite an index ends
-- with the rowid, which is seq: (owner_agency_id) is (owner_agency_id, seq).
--
-- The table is also rebuilt without foreign keys. Its references (rule, fence, subject,
-- device, report, agency) name rows that are never deleted, and the single writer takes
-- them from what it loaded from those tables; checking each on every insert was four index
-- look-ups per alert on the ingest path, and made every multi-row insert keep a statement
-- journal. Tables referring to alerts keep their foreign keys. (PostgreSQL keeps them all.)
-- The migrator runs this with foreign keys off and checks every reference before commit.

CREATE TABLE alerts_new (
    seq             INTEGER PRIMARY KEY,
    id              BLOB NOT NULL CONSTRAINT alerts_id_key UNIQUE,
    dedupe          TEXT NOT NULL CONSTRAINT alerts_dedupe_key UNIQUE,
    rule_id         BLOB,
    fence_id        BLOB,
    subject_id      BLOB,
    device_id       BLOB,
    report_id       BLOB,
    fix_id          INTEGER,
    hotspot_id      BLOB,
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    owner_agency_id BLOB NOT NULL,
    at              INTEGER NOT NULL,
    lon             REAL NOT NULL,
    lat             REAL NOT NULL,
    distance_m      REAL,
    status          TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    acknowledged_at INTEGER,
    acknowledged_by BLOB,
    closed_at       INTEGER,
    closed_by       BLOB,
    outcome         TEXT,
    version         INTEGER NOT NULL
);
INSERT INTO alerts_new SELECT seq, id, dedupe, rule_id, fence_id, subject_id, device_id, report_id, fix_id,
    hotspot_id, kind, severity, owner_agency_id, at, lon, lat, distance_m, status, created_at,
    acknowledged_at, acknowledged_by, closed_at, closed_by, outcome, version FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;

CREATE INDEX alerts_owner ON alerts(owner_agency_id);
CREATE INDEX alerts_rule ON alerts(rule_id);
CREATE INDEX alerts_fence ON alerts(fence_id);

-- Early warning: tracked subjects and their devices, fixes, fences and rules, alerts with
-- their response, the delivery outbox, webhooks and fire hotspots.

CREATE TABLE subjects (
    id              BLOB PRIMARY KEY,
    owner_agency_id BLOB NOT NULL REFERENCES agencies(id),
    name            TEXT NOT NULL,
    species         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    sensitivity     TEXT NOT NULL,
    notes           TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);

CREATE TABLE devices (
    id                  BLOB PRIMARY KEY,
    serial              TEXT NOT NULL CONSTRAINT devices_serial_key UNIQUE,
    kind                TEXT NOT NULL,
    owner_agency_id     BLOB NOT NULL REFERENCES agencies(id),
    expected_interval_s INTEGER NOT NULL,
    created_at          INTEGER NOT NULL
);

-- A device on a subject for a period (end_at NULL: still on).
CREATE TABLE deployments (
    id         BLOB PRIMARY KEY,
    device_id  BLOB NOT NULL REFERENCES devices(id),
    subject_id BLOB NOT NULL REFERENCES subjects(id),
    start_at   INTEGER NOT NULL,
    end_at     INTEGER
);
CREATE INDEX deployments_device ON deployments(device_id, start_at);

-- One row per (recorded_at, device serial): ingest is idempotent. Time first, so a
-- batch of recent fixes touches few index pages. A fix from a serial no
-- device has (or outside any deployment) is held: device_id/subject_id NULL.
CREATE TABLE fixes (
    id          INTEGER PRIMARY KEY,
    serial      TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    device_id   BLOB,
    subject_id  BLOB,
    lon         REAL NOT NULL,
    lat         REAL NOT NULL,
    accuracy_m  REAL,
    battery     REAL,
    source      TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    CONSTRAINT fixes_time_serial_key UNIQUE (recorded_at, serial)
);
CREATE INDEX fixes_subject ON fixes(subject_id, recorded_at);

CREATE TABLE fences (
    id              BLOB PRIMARY KEY,
    owner_agency_id BLOB NOT NULL REFERENCES agencies(id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    shape           TEXT NOT NULL,
    region_code     TEXT,
    active          INTEGER NOT NULL,
    created_by      BLOB NOT NULL REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE TABLE rules (
    id              BLOB PRIMARY KEY,
    owner_agency_id BLOB NOT NULL REFERENCES agencies(id),
    name            TEXT NOT NULL,
    definition      TEXT NOT NULL,
    active          INTEGER NOT NULL,
    created_by      BLOB NOT NULL REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE TABLE hotspots (
    id          BLOB PRIMARY KEY,
    dedupe      TEXT NOT NULL CONSTRAINT hotspots_dedupe_key UNIQUE,
    lon         REAL NOT NULL,
    lat         REAL NOT NULL,
    acquired_at INTEGER NOT NULL,
    satellite   TEXT NOT NULL,
    confidence  TEXT NOT NULL,
    frp         REAL,
    imported_at INTEGER NOT NULL
);

-- seq orders the live stream (SSE event ids); dedupe makes an alert raised twice one row
-- (it starts with the event's time, so inserts land near the end of its index).
-- Geofence alerts name their rule and fence; device-health alerts their device; alerts
-- raised by a registry report (a village sighting) the report.
CREATE TABLE alerts (
    seq             INTEGER PRIMARY KEY,
    id              BLOB NOT NULL CONSTRAINT alerts_id_key UNIQUE,
    dedupe          TEXT NOT NULL CONSTRAINT alerts_dedupe_key UNIQUE,
    rule_id         BLOB REFERENCES rules(id),
    fence_id        BLOB REFERENCES fences(id),
    subject_id      BLOB REFERENCES subjects(id),
    device_id       BLOB REFERENCES devices(id),
    report_id       BLOB REFERENCES reports(id),
    fix_id          INTEGER,
    hotspot_id      BLOB,
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    owner_agency_id BLOB NOT NULL REFERENCES agencies(id),
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

CREATE TABLE alert_actions (
    id       BLOB PRIMARY KEY,
    alert_id BLOB NOT NULL REFERENCES alerts(id),
    at       INTEGER NOT NULL,
    user_id  BLOB NOT NULL REFERENCES users(id),
    action   TEXT NOT NULL,
    note     TEXT NOT NULL
);
CREATE INDEX alert_actions_alert ON alert_actions(alert_id, at);

CREATE TABLE webhooks (
    id              BLOB PRIMARY KEY,
    owner_agency_id BLOB NOT NULL REFERENCES agencies(id),
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    active          INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);

-- One row per alert and destination; written with the alert, delivered at least once.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    alert_id        BLOB NOT NULL REFERENCES alerts(id),
    channel         TEXT NOT NULL,
    target          TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    sent_at         INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_alert ON outbox(alert_id);

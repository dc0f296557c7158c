-- Early warning: tracked subjects and their devices, fixes, fences and rules, alerts with
-- their response, the delivery outbox, webhooks and fire hotspots.

CREATE TABLE subjects (
    id              UUID PRIMARY KEY,
    owner_agency_id UUID NOT NULL REFERENCES agencies(id),
    name            TEXT NOT NULL,
    species         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    sensitivity     TEXT NOT NULL,
    notes           TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE devices (
    id                  UUID PRIMARY KEY,
    serial              TEXT NOT NULL CONSTRAINT devices_serial_key UNIQUE,
    kind                TEXT NOT NULL,
    owner_agency_id     UUID NOT NULL REFERENCES agencies(id),
    expected_interval_s BIGINT NOT NULL,
    created_at          BIGINT NOT NULL
);

-- A device on a subject for a period (end_at NULL: still on).
CREATE TABLE deployments (
    id         UUID PRIMARY KEY,
    device_id  UUID NOT NULL REFERENCES devices(id),
    subject_id UUID NOT NULL REFERENCES subjects(id),
    start_at   BIGINT NOT NULL,
    end_at     BIGINT
);
CREATE INDEX deployments_device ON deployments(device_id, start_at);

-- One row per (recorded_at, device serial): ingest is idempotent. Time first, so a
-- batch of recent fixes touches few index pages. A fix from a serial no
-- device has (or outside any deployment) is held: device_id/subject_id NULL.
CREATE TABLE fixes (
    id          BIGSERIAL PRIMARY KEY,
    serial      TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    device_id   UUID,
    subject_id  UUID,
    lon         DOUBLE PRECISION NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    accuracy_m  DOUBLE PRECISION,
    battery     DOUBLE PRECISION,
    source      TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    CONSTRAINT fixes_time_serial_key UNIQUE (recorded_at, serial)
);
CREATE INDEX fixes_subject ON fixes(subject_id, recorded_at);

CREATE TABLE fences (
    id              UUID PRIMARY KEY,
    owner_agency_id UUID NOT NULL REFERENCES agencies(id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    shape           TEXT NOT NULL,
    region_code     TEXT,
    active          BOOLEAN NOT NULL,
    created_by      UUID NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE rules (
    id              UUID PRIMARY KEY,
    owner_agency_id UUID NOT NULL REFERENCES agencies(id),
    name            TEXT NOT NULL,
    definition      TEXT NOT NULL,
    active          BOOLEAN NOT NULL,
    created_by      UUID NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE hotspots (
    id          UUID PRIMARY KEY,
    dedupe      TEXT NOT NULL CONSTRAINT hotspots_dedupe_key UNIQUE,
    lon         DOUBLE PRECISION NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    acquired_at BIGINT NOT NULL,
    satellite   TEXT NOT NULL,
    confidence  TEXT NOT NULL,
    frp         DOUBLE PRECISION,
    imported_at BIGINT NOT NULL
);

-- seq orders the live stream (SSE event ids); dedupe makes an alert raised twice one row
-- (it starts with the event's time, so inserts land near the end of its index).
-- Geofence alerts name their rule and fence; device-health alerts their device; alerts
-- raised by a registry report (a village sighting) the report.
CREATE TABLE alerts (
    seq             BIGSERIAL PRIMARY KEY,
    id              UUID NOT NULL CONSTRAINT alerts_id_key UNIQUE,
    dedupe          TEXT NOT NULL CONSTRAINT alerts_dedupe_key UNIQUE,
    rule_id         UUID REFERENCES rules(id),
    fence_id        UUID REFERENCES fences(id),
    subject_id      UUID REFERENCES subjects(id),
    device_id       UUID REFERENCES devices(id),
    report_id       UUID REFERENCES reports(id),
    fix_id          BIGINT,
    hotspot_id      UUID,
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    owner_agency_id UUID NOT NULL REFERENCES agencies(id),
    at              BIGINT NOT NULL,
    lon             DOUBLE PRECISION NOT NULL,
    lat             DOUBLE PRECISION NOT NULL,
    distance_m      DOUBLE PRECISION,
    status          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by UUID,
    closed_at       BIGINT,
    closed_by       UUID,
    outcome         TEXT,
    version         BIGINT NOT NULL
);

CREATE TABLE alert_actions (
    id       UUID PRIMARY KEY,
    alert_id UUID NOT NULL REFERENCES alerts(id),
    at       BIGINT NOT NULL,
    user_id  UUID NOT NULL REFERENCES users(id),
    action   TEXT NOT NULL,
    note     TEXT NOT NULL
);
CREATE INDEX alert_actions_alert ON alert_actions(alert_id, at);

CREATE TABLE webhooks (
    id              UUID PRIMARY KEY,
    owner_agency_id UUID NOT NULL REFERENCES agencies(id),
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    active          BOOLEAN NOT NULL,
    created_at      BIGINT NOT NULL
);

-- One row per alert and destination; written with the alert, delivered at least once.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    alert_id        UUID NOT NULL REFERENCES alerts(id),
    channel         TEXT NOT NULL,
    target          TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    sent_at         BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_alert ON outbox(alert_id);

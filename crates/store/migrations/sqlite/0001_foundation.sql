-- Foundation schema: regions, agencies, users, sessions, report types, reports.
-- Ids are UUIDs stored as 16-byte BLOBs; instants are INTEGER milliseconds since the
-- Unix epoch (UTC); JSON documents are TEXT.

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       INTEGER NOT NULL,
    parent_code TEXT,
    lon         REAL NOT NULL,
    lat         REAL NOT NULL
) WITHOUT ROWID;

CREATE TABLE agencies (
    id           BLOB PRIMARY KEY,
    code         TEXT NOT NULL CONSTRAINT agencies_code_key UNIQUE,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    parent_id    BLOB REFERENCES agencies(id),
    jurisdiction TEXT NOT NULL DEFAULT '[]',
    created_at   INTEGER NOT NULL
);
CREATE INDEX agencies_parent ON agencies(parent_id);

CREATE TABLE users (
    id            BLOB PRIMARY KEY,
    username      TEXT NOT NULL CONSTRAINT users_username_key UNIQUE,
    display_name  TEXT NOT NULL,
    agency_id     BLOB NOT NULL REFERENCES agencies(id),
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);
CREATE INDEX users_agency ON users(agency_id);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE report_types (
    key        TEXT PRIMARY KEY,
    position   INTEGER NOT NULL,
    definition TEXT NOT NULL
);

CREATE TABLE reports (
    id                BLOB PRIMARY KEY,
    type_key          TEXT NOT NULL REFERENCES report_types(key),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    occurred_at       INTEGER NOT NULL,
    occurred_offset   INTEGER NOT NULL,
    geometry          TEXT NOT NULL,
    min_lon           REAL NOT NULL,
    min_lat           REAL NOT NULL,
    max_lon           REAL NOT NULL,
    max_lat           REAL NOT NULL,
    region_code       TEXT,
    owner_agency_id   BLOB NOT NULL REFERENCES agencies(id),
    author_id         BLOB NOT NULL REFERENCES users(id),
    sensitivity       TEXT NOT NULL,
    attributes        TEXT NOT NULL,
    status            TEXT NOT NULL,
    version           INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    create_hash       TEXT NOT NULL
);
-- The list indexes carry the columns of the bbox and visibility filters, so a page is
-- found by scanning the index alone; only the rows that match are read from the table.
CREATE INDEX reports_occurred ON reports(occurred_at DESC, id DESC,
    min_lon, max_lon, min_lat, max_lat, sensitivity, owner_agency_id, author_id);
CREATE INDEX reports_type_occurred ON reports(type_key, occurred_at DESC, id DESC,
    min_lon, max_lon, min_lat, max_lat, sensitivity, owner_agency_id, author_id);
CREATE INDEX reports_owner_occurred ON reports(owner_agency_id, occurred_at DESC);
CREATE INDEX reports_region ON reports(region_code);

CREATE TABLE report_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id   BLOB NOT NULL REFERENCES reports(id),
    version     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor_id    BLOB NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    changed     TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX report_events_report ON report_events(report_id, id);

CREATE TABLE attachments (
    id           BLOB PRIMARY KEY,
    report_id    BLOB NOT NULL REFERENCES reports(id),
    sha256       TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    uploaded_by  BLOB NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    CONSTRAINT attachments_report_sha_key UNIQUE (report_id, sha256)
);

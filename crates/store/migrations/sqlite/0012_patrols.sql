-- Joint patrols (ADR 16): one row per patrol, owned by the organising agency; its members
-- (from any agency) as child rows, so "the patrols an agency organises or is a member
-- of" is two index lookups; its legs, each holding its cleaned track serialized in one
-- value (a track can have 200,000 points) with the figures lists show precomputed.
-- Dates (planned_start, planned_end, a leg's date) are INTEGER milliseconds of their
-- midnight UTC, as agreements' dates are.

CREATE TABLE patrols (
    id              BLOB PRIMARY KEY,
    owner_agency_id BLOB NOT NULL REFERENCES agencies(id),
    title           TEXT NOT NULL,
    mandate         TEXT NOT NULL,
    transport       TEXT NOT NULL,
    leader_id       BLOB NOT NULL REFERENCES users(id),
    planned_start   INTEGER NOT NULL,
    planned_end     INTEGER NOT NULL,
    area            TEXT,
    status          TEXT NOT NULL,
    sensitivity     TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_by      BLOB NOT NULL REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX patrols_owner ON patrols(owner_agency_id, planned_start);

-- The members in their order (position from 0); user_id NULL for a person without an
-- account.
CREATE TABLE patrol_members (
    patrol_id  BLOB NOT NULL REFERENCES patrols(id),
    position   INTEGER NOT NULL,
    agency_id  BLOB NOT NULL REFERENCES agencies(id),
    user_id    BLOB REFERENCES users(id),
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    PRIMARY KEY (patrol_id, position)
);
CREATE INDEX patrol_members_agency ON patrol_members(agency_id, patrol_id);

-- A leg: its track in the store's compact binary form (see store/src/patrols.rs), its
-- point count, length, duration and bounding box, and the hash that makes a second
-- upload of the same track a duplicate, even when two arrive at once.
CREATE TABLE patrol_legs (
    id            BLOB PRIMARY KEY,
    patrol_id     BLOB NOT NULL REFERENCES patrols(id),
    leg_date      INTEGER NOT NULL,
    source        TEXT NOT NULL,
    track         BLOB NOT NULL,
    point_count   INTEGER NOT NULL,
    distance_m    REAL NOT NULL,
    seconds       INTEGER NOT NULL,
    min_lon       REAL NOT NULL,
    min_lat       REAL NOT NULL,
    max_lon       REAL NOT NULL,
    max_lat       REAL NOT NULL,
    track_sha256  TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    CONSTRAINT patrol_legs_track_key UNIQUE (patrol_id, track_sha256)
);
CREATE INDEX patrol_legs_patrol ON patrol_legs(patrol_id, leg_date);

-- Joint patrols (ADR 16): one row per patrol, owned by the organising agency; its members
-- (from any agency) as child rows, so "the patrols an agency organises or is a member
-- of" is two index lookups; its legs, each holding its cleaned track serialized in one
-- value (a track can have 200,000 points) with the figures lists show precomputed.
-- Dates (planned_start, planned_end, a leg's date) are BIGINT milliseconds of their
-- midnight UTC, as agreements' dates are.

CREATE TABLE patrols (
    id              UUID PRIMARY KEY,
    owner_agency_id UUID NOT NULL REFERENCES agencies(id),
    title           TEXT NOT NULL,
    mandate         TEXT NOT NULL,
    transport       TEXT NOT NULL,
    leader_id       UUID NOT NULL REFERENCES users(id),
    planned_start   BIGINT NOT NULL,
    planned_end     BIGINT NOT NULL,
    area            TEXT,
    status          TEXT NOT NULL,
    sensitivity     TEXT NOT NULL,
    version         BIGINT NOT NULL,
    created_by      UUID NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX patrols_owner ON patrols(owner_agency_id, planned_start);

-- The members in their order (position from 0); user_id NULL for a person without an
-- account.
CREATE TABLE patrol_members (
    patrol_id  UUID NOT NULL REFERENCES patrols(id),
    position   BIGINT NOT NULL,
    agency_id  UUID NOT NULL REFERENCES agencies(id),
    user_id    UUID REFERENCES users(id),
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    PRIMARY KEY (patrol_id, position)
);
CREATE INDEX patrol_members_agency ON patrol_members(agency_id, patrol_id);

-- A leg: its track in the store's compact binary form (see store/src/patrols.rs), its
-- point count, length, duration and bounding box, and the hash that makes a second
-- upload of the same track a duplicate, even when two arrive at once.
CREATE TABLE patrol_legs (
    id            UUID PRIMARY KEY,
    patrol_id     UUID NOT NULL REFERENCES patrols(id),
    leg_date      BIGINT NOT NULL,
    source        TEXT NOT NULL,
    track         BYTEA NOT NULL,
    point_count   BIGINT NOT NULL,
    distance_m    DOUBLE PRECISION NOT NULL,
    seconds       BIGINT NOT NULL,
    min_lon       DOUBLE PRECISION NOT NULL,
    min_lat       DOUBLE PRECISION NOT NULL,
    max_lon       DOUBLE PRECISION NOT NULL,
    max_lat       DOUBLE PRECISION NOT NULL,
    track_sha256  TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    CONSTRAINT patrol_legs_track_key UNIQUE (patrol_id, track_sha256)
);
CREATE INDEX patrol_legs_patrol ON patrol_legs(patrol_id, leg_date);

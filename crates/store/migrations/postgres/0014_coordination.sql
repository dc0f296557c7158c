-- Coordination (ADR 21): working groups with their member agencies and people, their
-- meetings with the invited agencies and the attendance, and the action items decided at
-- a meeting. Who sees a group is decided by its member agencies, so "the groups of these
-- agencies" is one index lookup (coord_group_agencies_agency). A member agency is one row
-- per (group, agency): the primary key refuses a member added twice, also when two
-- changes race. The lists of short texts (agenda, decisions, links) are JSON arrays in a
-- TEXT column: they are read and written whole with their record. Dates are BIGINT
-- milliseconds of their midnight UTC; instants UTC milliseconds (with the offset a
-- meeting's time was given with).

CREATE TABLE coord_groups (
    id              UUID PRIMARY KEY,
    owner_agency_id UUID NOT NULL REFERENCES agencies(id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    legal_basis     TEXT NOT NULL,
    agreement_id    UUID REFERENCES agreements(id),
    period_from     BIGINT NOT NULL,
    period_until    BIGINT,
    version         BIGINT NOT NULL,
    created_by      UUID NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE coord_group_agencies (
    group_id   UUID NOT NULL REFERENCES coord_groups(id),
    agency_id  UUID NOT NULL REFERENCES agencies(id),
    position   BIGINT NOT NULL,
    PRIMARY KEY (group_id, agency_id)
);
CREATE INDEX coord_group_agencies_agency ON coord_group_agencies(agency_id, group_id);

CREATE TABLE coord_group_people (
    group_id   UUID NOT NULL REFERENCES coord_groups(id),
    position   BIGINT NOT NULL,
    agency_id  UUID NOT NULL REFERENCES agencies(id),
    user_id    UUID REFERENCES users(id),
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    PRIMARY KEY (group_id, position)
);

CREATE TABLE coord_meetings (
    id                  UUID PRIMARY KEY,
    group_id            UUID NOT NULL REFERENCES coord_groups(id),
    starts_at           BIGINT NOT NULL,
    offset_s            BIGINT NOT NULL,
    region              TEXT,
    place               TEXT,
    online_link         TEXT,
    organiser_agency_id UUID NOT NULL REFERENCES agencies(id),
    agenda              TEXT NOT NULL,
    minutes             TEXT,
    decisions           TEXT NOT NULL,
    version             BIGINT NOT NULL,
    created_by          UUID NOT NULL REFERENCES users(id),
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX coord_meetings_group ON coord_meetings(group_id, starts_at);

CREATE TABLE coord_meeting_invited (
    meeting_id UUID NOT NULL REFERENCES coord_meetings(id),
    agency_id  UUID NOT NULL REFERENCES agencies(id),
    position   BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, agency_id)
);

CREATE TABLE coord_attendance (
    meeting_id UUID NOT NULL REFERENCES coord_meetings(id),
    position   BIGINT NOT NULL,
    name       TEXT NOT NULL,
    agency_id  UUID NOT NULL REFERENCES agencies(id),
    job_title  TEXT NOT NULL,
    PRIMARY KEY (meeting_id, position)
);

-- An action item keeps its group beside its meeting, so a group's overdue items are found
-- by (group, status, due) without reading its meetings.
CREATE TABLE coord_action_items (
    id          UUID PRIMARY KEY,
    group_id    UUID NOT NULL REFERENCES coord_groups(id),
    meeting_id  UUID NOT NULL REFERENCES coord_meetings(id),
    what        TEXT NOT NULL,
    agency_id   UUID NOT NULL REFERENCES agencies(id),
    person      TEXT,
    due         BIGINT NOT NULL,
    status      TEXT NOT NULL,
    evidence    TEXT,
    links       TEXT NOT NULL,
    closed_at   BIGINT,
    version     BIGINT NOT NULL,
    created_by  UUID NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX coord_action_items_group ON coord_action_items(group_id, status, due);
CREATE INDEX coord_action_items_meeting ON coord_action_items(meeting_id);

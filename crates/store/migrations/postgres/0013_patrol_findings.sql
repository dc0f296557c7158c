-- What patrols found (ADR 16): observations marked in the field (a GPX waypoint, a
-- waypoint marked in the app) waiting for someone to confirm them as a report or dismiss
-- them, and findings, reports linked to a patrol. A confirmed observation's report has the
-- observation's id, so "confirmed" is "the report of that id exists" and is not stored.
-- Each leg also keeps the grid cells its track covers, so the coverage and effort of a
-- month of patrols are summed without reading a track (NULL in legs stored before this
-- migration: those are computed from the track when read).

ALTER TABLE patrol_legs ADD COLUMN cells BYTEA;

CREATE TABLE patrol_observations (
    id           UUID PRIMARY KEY,
    patrol_id    UUID NOT NULL REFERENCES patrols(id),
    lon          DOUBLE PRECISION NOT NULL,
    lat          DOUBLE PRECISION NOT NULL,
    observed_at  BIGINT,
    name         TEXT,
    description  TEXT,
    dismissed    BOOLEAN NOT NULL DEFAULT FALSE,
    created_by   UUID NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX patrol_observations_patrol ON patrol_observations(patrol_id, observed_at);

CREATE TABLE patrol_findings (
    patrol_id  UUID NOT NULL REFERENCES patrols(id),
    report_id  UUID NOT NULL REFERENCES reports(id),
    linked_by  UUID NOT NULL REFERENCES users(id),
    linked_at  BIGINT NOT NULL,
    PRIMARY KEY (patrol_id, report_id)
);
CREATE INDEX patrol_findings_report ON patrol_findings(report_id);

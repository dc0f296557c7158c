-- What patrols found (ADR 16): observations marked in the field (a GPX waypoint, a
-- waypoint marked in the app) waiting for someone to confirm them as a report or dismiss
-- them, and findings, reports linked to a patrol. A confirmed observation's report has the
-- observation's id, so "confirmed" is "the report of that id exists" and is not stored.
-- Each leg also keeps the grid cells its track covers, so the coverage and effort of a
-- month of patrols are summed without reading a track (NULL in legs stored before this
-- migration: those are computed from the track when read).

ALTER TABLE patrol_legs ADD COLUMN cells BLOB;

CREATE TABLE patrol_observations (
    id           BLOB PRIMARY KEY,
    patrol_id    BLOB NOT NULL REFERENCES patrols(id),
    lon          REAL NOT NULL,
    lat          REAL NOT NULL,
    observed_at  INTEGER,
    name         TEXT,
    description  TEXT,
    dismissed    INTEGER NOT NULL DEFAULT 0,
    created_by   BLOB NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX patrol_observations_patrol ON patrol_observations(patrol_id, observed_at);

CREATE TABLE patrol_findings (
    patrol_id  BLOB NOT NULL REFERENCES patrols(id),
    report_id  BLOB NOT NULL REFERENCES reports(id),
    linked_by  BLOB NOT NULL REFERENCES users(id),
    linked_at  INTEGER NOT NULL,
    PRIMARY KEY (patrol_id, report_id)
);
CREATE INDEX patrol_findings_report ON patrol_findings(report_id);

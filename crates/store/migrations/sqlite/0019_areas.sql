-- Area profiles (ADR 25): a kelurahan or desa by its Kemendagri code, owned by the agency
-- that created it, with its needs assessment (JSON text, read and written whole), its
-- roadmap (a plan) and the stage reached (a node of that plan). Every version of a
-- profile is kept whole in area_profile_versions (the profile as JSON), written in the
-- transaction of the edit. Monitoring posts (posko) and their periodic reports hang
-- under the profile. Dates are INTEGER milliseconds of their midnight UTC; instants UTC
-- milliseconds.

CREATE TABLE area_profiles (
    code             TEXT PRIMARY KEY,
    owner_agency_id  BLOB NOT NULL REFERENCES agencies(id),
    condition        TEXT NOT NULL,
    summary          TEXT,
    needs            TEXT NOT NULL,
    roadmap_id       BLOB REFERENCES plans(id),
    stage_id         BLOB REFERENCES plan_nodes(id),
    stage_since      INTEGER,
    version          INTEGER NOT NULL,
    created_by       BLOB NOT NULL REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    updated_by       BLOB NOT NULL REFERENCES users(id),
    updated_at       INTEGER NOT NULL,
    CHECK (stage_id IS NULL OR roadmap_id IS NOT NULL)
);
CREATE INDEX area_profiles_stage ON area_profiles(stage_id);

CREATE TABLE area_profile_versions (
    code        TEXT NOT NULL REFERENCES area_profiles(code),
    version     INTEGER NOT NULL,
    profile     TEXT NOT NULL,
    changed_by  BLOB NOT NULL REFERENCES users(id),
    changed_at  INTEGER NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE TABLE area_posts (
    id                     BLOB PRIMARY KEY,
    area_code              TEXT NOT NULL REFERENCES area_profiles(code),
    name                   TEXT NOT NULL,
    lon                    REAL NOT NULL,
    lat                    REAL NOT NULL,
    responsible_agency_id  BLOB NOT NULL REFERENCES agencies(id),
    cadence_days           INTEGER NOT NULL,
    created_by             BLOB NOT NULL REFERENCES users(id),
    created_at             INTEGER NOT NULL,
    CHECK (cadence_days BETWEEN 1 AND 366)
);
CREATE INDEX area_posts_area ON area_posts(area_code, name);

CREATE TABLE area_post_reports (
    id           BLOB PRIMARY KEY,
    post_id      BLOB NOT NULL REFERENCES area_posts(id),
    reported_on  INTEGER NOT NULL,
    summary      TEXT NOT NULL,
    incidents    INTEGER NOT NULL,
    outreach     INTEGER NOT NULL,
    referrals    INTEGER NOT NULL,
    created_by   BLOB NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    CHECK (incidents >= 0 AND outreach >= 0 AND referrals >= 0)
);
CREATE INDEX area_post_reports_post ON area_post_reports(post_id, reported_on);

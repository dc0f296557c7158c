-- Area profiles (ADR 25): a kelurahan or desa by its Kemendagri code, owned by the agency
-- that created it, with its needs assessment (JSON text, read and written whole), its
-- roadmap (a plan) and the stage reached (a node of that plan). Every version of a
-- profile is kept whole in area_profile_versions (the profile as JSON), written in the
-- transaction of the edit. Monitoring posts (posko) and their periodic reports hang
-- under the profile. Dates are BIGINT milliseconds of their midnight UTC; instants UTC
-- milliseconds.

CREATE TABLE area_profiles (
    code             TEXT PRIMARY KEY,
    owner_agency_id  UUID NOT NULL REFERENCES agencies(id),
    condition        TEXT NOT NULL,
    summary          TEXT,
    needs            TEXT NOT NULL,
    roadmap_id       UUID REFERENCES plans(id),
    stage_id         UUID REFERENCES plan_nodes(id),
    stage_since      BIGINT,
    version          BIGINT NOT NULL,
    created_by       UUID NOT NULL REFERENCES users(id),
    created_at       BIGINT NOT NULL,
    updated_by       UUID NOT NULL REFERENCES users(id),
    updated_at       BIGINT NOT NULL,
    CHECK (stage_id IS NULL OR roadmap_id IS NOT NULL)
);
CREATE INDEX area_profiles_stage ON area_profiles(stage_id);

CREATE TABLE area_profile_versions (
    code        TEXT NOT NULL REFERENCES area_profiles(code),
    version     BIGINT NOT NULL,
    profile     TEXT NOT NULL,
    changed_by  UUID NOT NULL REFERENCES users(id),
    changed_at  BIGINT NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE TABLE area_posts (
    id                     UUID PRIMARY KEY,
    area_code              TEXT NOT NULL REFERENCES area_profiles(code),
    name                   TEXT NOT NULL,
    lon                    DOUBLE PRECISION NOT NULL,
    lat                    DOUBLE PRECISION NOT NULL,
    responsible_agency_id  UUID NOT NULL REFERENCES agencies(id),
    cadence_days           BIGINT NOT NULL,
    created_by             UUID NOT NULL REFERENCES users(id),
    created_at             BIGINT NOT NULL,
    CHECK (cadence_days BETWEEN 1 AND 366)
);
CREATE INDEX area_posts_area ON area_posts(area_code, name);

CREATE TABLE area_post_reports (
    id           UUID PRIMARY KEY,
    post_id      UUID NOT NULL REFERENCES area_posts(id),
    reported_on  BIGINT NOT NULL,
    summary      TEXT NOT NULL,
    incidents    BIGINT NOT NULL,
    outreach     BIGINT NOT NULL,
    referrals    BIGINT NOT NULL,
    created_by   UUID NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    CHECK (incidents >= 0 AND outreach >= 0 AND referrals >= 0)
);
CREATE INDEX area_post_reports_post ON area_post_reports(post_id, reported_on);

-- Cases carried to court (ADR 31): a case owned by its investigating agency, numbered
-- from the agency's sequence of its year, following the procedure code in force when it
-- opened; its stage steps with their documents (a document number once per case and
-- stage); the reports it comes from; the other agencies on it; the persons in it, whose
-- identifying fields are sealed (JSON of the sealed record: key id, wrapped data key,
-- per field nonce and ciphertext; never plain text, never indexed) except a suspect's;
-- a victim's referrals to services; transfers to another agency (one open at a time).
-- next_due_on copies the case's earliest deadline so the overdue list is one indexed
-- query; p21_on and verdict_on feed the funnel. Dates are BIGINT milliseconds of their
-- midnight UTC; instants UTC milliseconds.

CREATE TABLE case_sequences (
    agency_id  UUID NOT NULL REFERENCES agencies(id),
    year       BIGINT NOT NULL,
    last       BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);

CREATE TABLE cases (
    id                 UUID PRIMARY KEY,
    number             TEXT NOT NULL,
    owner_agency_id    UUID NOT NULL REFERENCES agencies(id),
    law                TEXT NOT NULL,
    title              TEXT NOT NULL,
    summary            TEXT,
    offence_kind       TEXT NOT NULL,
    offence_law        TEXT NOT NULL,
    offence_article    TEXT NOT NULL,
    max_penalty_years  BIGINT,
    region_code        TEXT NOT NULL,
    opened_on          BIGINT NOT NULL,
    opened_year        BIGINT NOT NULL,
    stage              TEXT NOT NULL,
    stage_since        BIGINT NOT NULL,
    facts              TEXT NOT NULL,
    dates              TEXT NOT NULL,
    returns            BIGINT NOT NULL,
    verdict            TEXT,
    p21_on             BIGINT,
    verdict_on         BIGINT,
    next_due_on        BIGINT,
    report_count       BIGINT NOT NULL DEFAULT 0,
    version            BIGINT NOT NULL,
    created_by         UUID NOT NULL REFERENCES users(id),
    created_at         BIGINT NOT NULL,
    updated_by         UUID NOT NULL REFERENCES users(id),
    updated_at         BIGINT NOT NULL
);
CREATE INDEX cases_owner_due ON cases(owner_agency_id, next_due_on);
CREATE INDEX cases_region_year ON cases(region_code, opened_year);
CREATE INDEX cases_owner_opened ON cases(owner_agency_id, opened_on);
-- The funnel reads the owned cases from this index alone.
CREATE INDEX cases_funnel ON cases(owner_agency_id, region_code, opened_year, offence_kind, stage, verdict,
    p21_on, report_count);

CREATE TABLE case_reports (
    case_id    UUID NOT NULL REFERENCES cases(id),
    report_id  UUID NOT NULL REFERENCES reports(id),
    PRIMARY KEY (case_id, report_id)
);
CREATE INDEX case_reports_report ON case_reports(report_id);

CREATE TABLE case_parties (
    case_id    UUID NOT NULL REFERENCES cases(id),
    agency_id  UUID NOT NULL REFERENCES agencies(id),
    role       TEXT NOT NULL,
    PRIMARY KEY (case_id, agency_id)
);
CREATE INDEX case_parties_agency ON case_parties(agency_id);

CREATE TABLE case_stage_events (
    id           UUID PRIMARY KEY,
    case_id      UUID NOT NULL REFERENCES cases(id),
    seq          BIGINT NOT NULL,
    from_stage   TEXT NOT NULL,
    to_stage     TEXT NOT NULL,
    doc_number   TEXT,
    doc_date     BIGINT NOT NULL,
    -- The day the case entered from_stage (the previous step's document date, or the
    -- day it opened): the days spent in a stage without a look-up of the step before.
    from_since   BIGINT NOT NULL,
    notes        TEXT,
    verdict      TEXT,
    scan_id      UUID,
    recorded_by  UUID NOT NULL REFERENCES users(id),
    recorded_at  BIGINT NOT NULL,
    UNIQUE (case_id, seq)
);
-- Covers the days-per-stage figures of the funnel: a case's steps read from the index.
CREATE INDEX case_stage_events_times ON case_stage_events(case_id, from_stage, doc_date, from_since);
CREATE UNIQUE INDEX case_stage_events_document ON case_stage_events(case_id, to_stage, doc_number)
    WHERE doc_number IS NOT NULL;

CREATE TABLE case_persons (
    id                   UUID PRIMARY KEY,
    case_id              UUID NOT NULL REFERENCES cases(id),
    role                 TEXT NOT NULL,
    suspect_name         TEXT,
    suspect_identity     TEXT,
    sealed               TEXT,
    key_id               TEXT,
    child                BIGINT NOT NULL,
    origin_region        TEXT,
    destination_country  TEXT,
    repatriated_on       BIGINT,
    border_post          TEXT,
    handler_id           UUID REFERENCES users(id),
    created_by           UUID NOT NULL REFERENCES users(id),
    created_at           BIGINT NOT NULL,
    shredded_at          BIGINT,
    CHECK ((role = 'suspect') = (sealed IS NULL)),
    CHECK (role = 'suspect' OR (suspect_name IS NULL AND suspect_identity IS NULL))
);
CREATE INDEX case_persons_case ON case_persons(case_id, created_at);
CREATE INDEX case_persons_origin ON case_persons(origin_region) WHERE role = 'victim';

CREATE TABLE case_services (
    person_id  UUID NOT NULL REFERENCES case_persons(id),
    service    TEXT NOT NULL,
    status     TEXT NOT NULL,
    since      BIGINT NOT NULL,
    PRIMARY KEY (person_id, service)
);

CREATE TABLE case_transfers (
    id              UUID PRIMARY KEY,
    case_id         UUID NOT NULL REFERENCES cases(id),
    from_agency_id  UUID NOT NULL REFERENCES agencies(id),
    to_agency_id    UUID NOT NULL REFERENCES agencies(id),
    note            TEXT,
    status          TEXT NOT NULL,
    requested_by    UUID NOT NULL REFERENCES users(id),
    requested_at    BIGINT NOT NULL,
    decided_by      UUID REFERENCES users(id),
    decided_at      BIGINT,
    decision_note   TEXT
);
CREATE UNIQUE INDEX case_transfers_open ON case_transfers(case_id) WHERE status = 'requested';
CREATE INDEX case_transfers_to ON case_transfers(to_agency_id, status);

-- The roles of an agency whose users may open its protected persons' identities
-- (comma-separated role names); an agency without a row uses the default.
CREATE TABLE case_settings (
    agency_id      UUID PRIMARY KEY REFERENCES agencies(id),
    decrypt_roles  TEXT NOT NULL,
    updated_by     UUID NOT NULL REFERENCES users(id),
    updated_at     BIGINT NOT NULL
);

-- The reminders of a case's earliest deadline that were sent, once each: kind is the
-- level (due_soon, overdue, escalated), a colon, and the deadline's day in milliseconds.
CREATE TABLE case_reminders (
    case_id     UUID NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    sent_at     BIGINT NOT NULL,
    recipients  BIGINT NOT NULL,
    PRIMARY KEY (case_id, kind)
);

-- Evidence items and their chain of custody: the steps in order (seq 1 the seizure),
-- never changed; a step's number is taken once, so two writers cannot both add the next.
CREATE TABLE case_evidence (
    id           UUID PRIMARY KEY,
    case_id      UUID NOT NULL REFERENCES cases(id),
    description  TEXT NOT NULL,
    quantity     TEXT,
    created_by   UUID NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX case_evidence_case ON case_evidence(case_id, created_at);

CREATE TABLE case_custody (
    id               UUID PRIMARY KEY,
    evidence_id      UUID NOT NULL REFERENCES case_evidence(id),
    seq              BIGINT NOT NULL,
    action           TEXT NOT NULL,
    on_day           BIGINT NOT NULL,
    holder           TEXT NOT NULL,
    document_number  TEXT,
    note             TEXT,
    recorded_by      UUID NOT NULL REFERENCES users(id),
    recorded_at      BIGINT NOT NULL,
    UNIQUE (evidence_id, seq)
);

-- Tasks another agency is asked to do for a case (a lab test, a tracing), answered once.
CREATE TABLE case_tasks (
    id              UUID PRIMARY KEY,
    case_id         UUID NOT NULL REFERENCES cases(id),
    from_agency_id  UUID NOT NULL REFERENCES agencies(id),
    to_agency_id    UUID NOT NULL REFERENCES agencies(id),
    kind            TEXT NOT NULL,
    what            TEXT NOT NULL,
    due_on          BIGINT,
    status          TEXT NOT NULL,
    result          TEXT,
    requested_by    UUID NOT NULL REFERENCES users(id),
    requested_at    BIGINT NOT NULL,
    answered_by     UUID REFERENCES users(id),
    answered_at     BIGINT
);
CREATE INDEX case_tasks_case ON case_tasks(case_id, requested_at);
CREATE INDEX case_tasks_to ON case_tasks(to_agency_id, status);

-- The days spent in each stage, added up per owner, regency or city, year opened,
-- offence and stage in the transaction that records each step (and moved with a case
-- handed over), so the funnel's time in each stage does not visit every step.
CREATE TABLE case_stage_totals (
    owner_agency_id  UUID NOT NULL REFERENCES agencies(id),
    regency          TEXT NOT NULL,
    opened_year      BIGINT NOT NULL,
    offence_kind     TEXT NOT NULL,
    stage            TEXT NOT NULL,
    steps            BIGINT NOT NULL,
    total_ms         BIGINT NOT NULL,
    PRIMARY KEY (owner_agency_id, regency, opened_year, offence_kind, stage)
);

-- An agency's own case-number format (the placeholders of letters); without a row the
-- default `LP/A/{nomor}/{bulan}/{tahun}/{kode}`.
CREATE TABLE case_number_formats (
    agency_id   UUID PRIMARY KEY REFERENCES agencies(id),
    format      TEXT NOT NULL,
    updated_by  UUID NOT NULL REFERENCES users(id),
    updated_at  BIGINT NOT NULL
);

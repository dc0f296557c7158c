-- Submissions of forms (ADR 34): one row per submission with its newest instance's
-- answers (JSON text) and review state; every instance received (the first and each
-- edit, ODK's deprecatedID) kept as its history, each instanceID once per form; the files
-- each instance names, with their hash once received; and the reviews.
CREATE TABLE submissions (
    id                BLOB PRIMARY KEY,
    form_id           BLOB NOT NULL REFERENCES forms(id),
    version_number    INTEGER NOT NULL,
    root_instance_id  TEXT NOT NULL,
    instance_id       TEXT NOT NULL,
    agency_id         BLOB NOT NULL REFERENCES agencies(id),
    submitted_by      BLOB NOT NULL REFERENCES users(id),
    source            TEXT NOT NULL,
    review_state      TEXT NOT NULL,
    data              TEXT NOT NULL,
    lon               REAL,
    lat               REAL,
    edits             INTEGER NOT NULL,
    received_at       INTEGER NOT NULL,
    -- When it was answered: received_at for a device's, the date on the paper for a
    -- paper form typed in later (what a campaign's on-time rate reads).
    answered_at       INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (form_id, root_instance_id)
);
CREATE INDEX submissions_form ON submissions(form_id, received_at, id);
CREATE INDEX submissions_form_agency ON submissions(form_id, agency_id, received_at);
CREATE INDEX submissions_form_state ON submissions(form_id, review_state, received_at);

CREATE TABLE submission_instances (
    form_id        BLOB NOT NULL REFERENCES forms(id),
    instance_id    TEXT NOT NULL,
    submission_id  BLOB NOT NULL REFERENCES submissions(id),
    deprecated_id  TEXT,
    xml            TEXT NOT NULL,
    submitted_by   BLOB NOT NULL REFERENCES users(id),
    received_at    INTEGER NOT NULL,
    PRIMARY KEY (form_id, instance_id)
);
CREATE INDEX submission_instances_submission ON submission_instances(submission_id, received_at);

CREATE TABLE submission_files (
    submission_id  BLOB NOT NULL REFERENCES submissions(id),
    instance_id    TEXT NOT NULL,
    name           TEXT NOT NULL,
    sha256         TEXT,
    content_type   TEXT,
    size           INTEGER,
    PRIMARY KEY (submission_id, instance_id, name)
);

CREATE TABLE submission_reviews (
    submission_id  BLOB NOT NULL REFERENCES submissions(id),
    state          TEXT NOT NULL,
    comment        TEXT NOT NULL,
    reviewed_by    BLOB NOT NULL REFERENCES users(id),
    reviewed_at    INTEGER NOT NULL
);
CREATE INDEX submission_reviews_submission ON submission_reviews(submission_id, reviewed_at);

-- Forms converted from XLSForm workbooks (ADR 33): one row per form, owned by an agency,
-- named by its XForm id (one form per id on the server, as ODK Collect requires), and
-- its published versions, never changed: numbered 1, 2, … with the XForm's version
-- string and the workbook's SHA-256 each once per form.
CREATE TABLE forms (
    id               UUID PRIMARY KEY,
    owner_agency_id  UUID NOT NULL REFERENCES agencies(id),
    xml_id           TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    current_version  BIGINT NOT NULL,
    created_by       UUID NOT NULL REFERENCES users(id),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX forms_owner ON forms(owner_agency_id, title);

CREATE TABLE form_versions (
    form_id          UUID NOT NULL REFERENCES forms(id),
    number           BIGINT NOT NULL,
    version          TEXT NOT NULL,
    title            TEXT NOT NULL,
    languages        TEXT NOT NULL,
    xml              TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    workbook_sha256  TEXT NOT NULL,
    published_by     UUID NOT NULL REFERENCES users(id),
    published_at     BIGINT NOT NULL,
    PRIMARY KEY (form_id, number),
    UNIQUE (form_id, version),
    UNIQUE (form_id, workbook_sha256)
);

-- Devices (ODK Collect) linked to a user by a secret in their server URL; only the
-- secret's SHA-256 is kept. A revoked device stays listed with the time it was revoked.
CREATE TABLE form_devices (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX form_devices_user ON form_devices(user_id, created_at);

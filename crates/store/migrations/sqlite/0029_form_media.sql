-- A form version's media files (ADR 40): the pictures, sounds and videos its XForm names
-- (jr://images/NAME …), uploaded after it is published, one row per name; the bytes are
-- stored by SHA-256 with the other files, and the MD5 is what ODK Collect compares in
-- the manifest. Uploading a name again replaces its file (the audit log keeps both).
CREATE TABLE form_media (
    form_id       BLOB NOT NULL,
    number        INTEGER NOT NULL,
    name          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    md5           TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    uploaded_by   BLOB NOT NULL REFERENCES users(id),
    uploaded_at   INTEGER NOT NULL,
    PRIMARY KEY (form_id, number, name),
    FOREIGN KEY (form_id, number) REFERENCES form_versions(form_id, number)
);

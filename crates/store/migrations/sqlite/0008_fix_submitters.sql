-- Who sent each fix, and whose a fix is until it joins a subject.
--
-- submitted_by / submitted_agency_id: the user and agency that sent the fix; both NULL
-- for the operator (the command line without --as, the configured MQTT broker).
--
-- held_for: '' when the fix is its device's: sent for a registered device by someone who
-- may send fixes for it, or by the operator or a system administrator (who may send
-- fixes for any device). Otherwise the id of the agency that sent it: a fix held for its
-- sender, which joins a subject only when the owner of the serial's device (or an agency
-- above it) is that sender. 'unknown' for fixes held before senders were recorded: they
-- join nothing by themselves.
--
-- The unique key includes held_for, so a fix another agency sent for a serial cannot
-- stand in the way (as a "duplicate") of the device's own fix for the same time.
--
-- SQLite cannot change a table's unique constraint in place: the table is rebuilt. Nothing
-- refers to fixes by a foreign key, and the table still has none of its own.

CREATE TABLE fixes_new (
    id                  INTEGER PRIMARY KEY,
    serial              TEXT NOT NULL,
    recorded_at         INTEGER NOT NULL,
    device_id           BLOB,
    subject_id          BLOB,
    lon                 REAL NOT NULL,
    lat                 REAL NOT NULL,
    accuracy_m          REAL,
    battery             REAL,
    source              TEXT NOT NULL,
    received_at         INTEGER NOT NULL,
    submitted_by        BLOB,
    submitted_agency_id BLOB,
    held_for            TEXT NOT NULL DEFAULT '',
    CONSTRAINT fixes_time_serial_key UNIQUE (recorded_at, serial, held_for)
);
INSERT INTO fixes_new (id, serial, recorded_at, device_id, subject_id, lon, lat, accuracy_m, battery,
    source, received_at, held_for)
SELECT id, serial, recorded_at, device_id, subject_id, lon, lat, accuracy_m, battery, source, received_at,
    CASE WHEN device_id IS NULL AND subject_id IS NULL THEN 'unknown' ELSE '' END
FROM fixes;
DROP TABLE fixes;
ALTER TABLE fixes_new RENAME TO fixes;
CREATE INDEX fixes_subject ON fixes(subject_id, recorded_at);

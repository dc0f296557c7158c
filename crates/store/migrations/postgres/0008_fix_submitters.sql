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

ALTER TABLE fixes
    ADD COLUMN submitted_by UUID,
    ADD COLUMN submitted_agency_id UUID,
    ADD COLUMN held_for TEXT NOT NULL DEFAULT '';
UPDATE fixes SET held_for = 'unknown' WHERE device_id IS NULL AND subject_id IS NULL;
ALTER TABLE fixes DROP CONSTRAINT fixes_time_serial_key;
ALTER TABLE fixes ADD CONSTRAINT fixes_time_serial_key UNIQUE (recorded_at, serial, held_for);

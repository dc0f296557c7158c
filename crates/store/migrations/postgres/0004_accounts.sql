-- Second factor (TOTP) per user, and in-app notifications.
-- The TOTP secret is kept until enrolment is confirmed (totp_enabled_at set); the last
-- accepted step stops a code from being used twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at BIGINT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

CREATE TABLE notifications (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    record_type TEXT,
    record_id   TEXT,
    detail      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);

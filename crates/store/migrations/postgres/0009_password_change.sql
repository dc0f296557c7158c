-- A password set by an administrator (a new account, a reset) must be replaced by the
-- user at their next sign-in.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

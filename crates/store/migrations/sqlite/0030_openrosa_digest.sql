-- HTTP Digest for ODK Collect over http (ADR 34): each user's HA1 (MD5 of name, realm and
-- password), sealed under a key the database does not hold and bound to the user's id;
-- made when the user signs in with the password, cleared whenever the password changes.
ALTER TABLE users ADD COLUMN digest_ha1 TEXT;

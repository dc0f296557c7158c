-- sinergi: then unique_fence_names
-- Fences can be edited: a version for optimistic concurrency (If-Match), and a name key
-- (the name lower-cased with white space collapsed, computed by the store) unique within
-- the owner agency. The migration's own step fills the key for existing fences and renames
-- duplicates of older databases first ("Kebun (2)"), auditing each rename. The key stays
-- NULL-able as in SQLite (which cannot add a NOT NULL column without a default); the store
-- writes it on every insert and edit.
ALTER TABLE fences ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE fences ADD COLUMN name_key TEXT;
CREATE UNIQUE INDEX fences_agency_name_key ON fences (owner_agency_id, name_key);

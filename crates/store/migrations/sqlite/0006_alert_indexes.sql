-- Alerts found by who sees them (owner agency, or the rule that named the reader) and by
-- area, newest first, without reading other agencies' alerts. In SQLite an index ends
-- with the rowid, which is seq: (owner_agency_id) is (owner_agency_id, seq).
CREATE INDEX alerts_owner ON alerts(owner_agency_id);
CREATE INDEX alerts_rule ON alerts(rule_id);
CREATE INDEX alerts_fence ON alerts(fence_id);

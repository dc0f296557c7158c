-- A campaign's reminder days (ADR 35): unanswered units are reminded remind_days before
-- a period's due date, and a unit still missing is escalated to its superior agency
-- escalate_days after it. Existing campaigns keep the days they were reminded by.
ALTER TABLE campaigns ADD COLUMN remind_days INTEGER NOT NULL DEFAULT 7;
ALTER TABLE campaigns ADD COLUMN escalate_days INTEGER NOT NULL DEFAULT 14;

-- Monitoring campaigns (ADR 35): a form assigned to respondent units (a region answered
-- by an agency) for a run of periods from first_period to last_period (their first days,
-- YYYY-MM-DD), due due_days after each period's end and accepted grace_days after that.
CREATE TABLE campaigns (
    id               BLOB PRIMARY KEY,
    owner_agency_id  BLOB NOT NULL REFERENCES agencies(id),
    form_id          BLOB NOT NULL REFERENCES forms(id),
    title            TEXT NOT NULL,
    periodicity      TEXT NOT NULL,
    first_period     TEXT NOT NULL,
    last_period      TEXT NOT NULL,
    due_days         INTEGER NOT NULL,
    grace_days       INTEGER NOT NULL,
    period_field     TEXT NOT NULL,
    region_field     TEXT,
    created_by       BLOB NOT NULL REFERENCES users(id),
    created_at       INTEGER NOT NULL
);
CREATE INDEX campaigns_form ON campaigns(form_id);
CREATE INDEX campaigns_owner ON campaigns(owner_agency_id);

CREATE TABLE campaign_units (
    campaign_id  BLOB NOT NULL REFERENCES campaigns(id),
    region_code  TEXT NOT NULL,
    agency_id    BLOB NOT NULL REFERENCES agencies(id),
    position     INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, region_code)
);
CREATE INDEX campaign_units_agency ON campaign_units(agency_id);

-- Composite indices over a campaign's answers (ADR 36): the definition (components with
-- weights, bands) as JSON text, one name per campaign.
CREATE TABLE campaign_indices (
    id           BLOB PRIMARY KEY,
    campaign_id  BLOB NOT NULL REFERENCES campaigns(id),
    name         TEXT NOT NULL,
    definition   TEXT NOT NULL,
    created_by   BLOB NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    UNIQUE (campaign_id, name)
);

-- The reminders of a campaign that were sent, once each: kind is the level (due_soon,
-- overdue, escalated), the unit's region code and the period's label, colon-separated.
CREATE TABLE campaign_reminders (
    campaign_id  BLOB NOT NULL REFERENCES campaigns(id),
    kind         TEXT NOT NULL,
    sent_at      INTEGER NOT NULL,
    recipients   INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, kind)
);

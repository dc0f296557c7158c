-- A protected person's identity shared with a partner agency under an agreement whose
-- clause names that kind of person (ADR 32), one person at a time: the person's data
-- key wrapped by the partner's key (JSON of the key grant: key id, wrapped key), never
-- the fields in plain. Removing the row ends the partner's access; erasing the person
-- removes every row.
CREATE TABLE case_person_shares (
    person_id    UUID NOT NULL REFERENCES case_persons(id),
    agency_id    UUID NOT NULL REFERENCES agencies(id),
    agreement_id UUID NOT NULL REFERENCES agreements(id),
    key_grant    TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    shared_by    UUID NOT NULL REFERENCES users(id),
    shared_at    BIGINT NOT NULL,
    PRIMARY KEY (person_id, agency_id)
);
CREATE INDEX case_person_shares_agency ON case_person_shares(agency_id);

-- Plans (ADR 23): a working group's joint work plans, action plans, roadmaps and
-- programmes, each a tree of nodes (goals, programmes, activities, roadmap stages). A
-- plan is seen exactly when its group is, so plans are found by group
-- (plans_group). A node keeps its plan and its parent; a parent is always a node of the
-- same plan and never the node or one of its descendants — the application checks that,
-- and a move runs after `UPDATE plans SET tree_version = tree_version + 1`, which
-- serialises the moves of one plan so two racing moves cannot make a cycle together.
-- The short lists read and written whole with their node (supporting agencies, the
-- activity's details, the evidence links) are JSON text. Dates are INTEGER milliseconds
-- of their midnight UTC; instants UTC milliseconds; budgets whole rupiah.

CREATE TABLE plans (
    id            BLOB PRIMARY KEY,
    group_id      BLOB NOT NULL REFERENCES coord_groups(id),
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT,
    period_from   INTEGER NOT NULL,
    period_until  INTEGER NOT NULL,
    tree_version  INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    created_by    BLOB NOT NULL REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX plans_group ON plans(group_id, period_from);

CREATE TABLE plan_nodes (
    id                    BLOB PRIMARY KEY,
    plan_id               BLOB NOT NULL REFERENCES plans(id),
    parent_id             BLOB REFERENCES plan_nodes(id),
    position              INTEGER NOT NULL,
    kind                  TEXT NOT NULL,
    title                 TEXT NOT NULL,
    description           TEXT,
    responsible_agency_id BLOB NOT NULL REFERENCES agencies(id),
    supporting            TEXT NOT NULL,
    starts_on             INTEGER,
    ends_on               INTEGER,
    budget                INTEGER,
    funding_source        TEXT,
    indicator             TEXT,
    unit                  TEXT,
    target                REAL,
    achieved              REAL,
    status                TEXT NOT NULL,
    activity_kind         TEXT,
    activity              TEXT,
    evidence              TEXT NOT NULL,
    version               INTEGER NOT NULL,
    created_by            BLOB NOT NULL REFERENCES users(id),
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    CHECK (budget IS NULL OR budget >= 0),
    CHECK (starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX plan_nodes_plan ON plan_nodes(plan_id, position);

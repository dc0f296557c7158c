-- Plans (ADR 23): a working group's joint work plans, action plans, roadmaps and
-- programmes, each a tree of nodes (goals, programmes, activities, roadmap stages). A
-- plan is seen exactly when its group is, so plans are found by group
-- (plans_group). A node keeps its plan and its parent; a parent is always a node of the
-- same plan and never the node or one of its descendants — the application checks that,
-- and a move runs after `UPDATE plans SET tree_version = tree_version + 1`, which
-- serialises the moves of one plan so two racing moves cannot make a cycle together.
-- The short lists read and written whole with their node (supporting agencies, the
-- activity's details, the evidence links) are JSON text. Dates are BIGINT milliseconds
-- of their midnight UTC; instants UTC milliseconds; budgets whole rupiah.

CREATE TABLE plans (
    id            UUID PRIMARY KEY,
    group_id      UUID NOT NULL REFERENCES coord_groups(id),
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT,
    period_from   BIGINT NOT NULL,
    period_until  BIGINT NOT NULL,
    tree_version  BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    created_by    UUID NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX plans_group ON plans(group_id, period_from);

CREATE TABLE plan_nodes (
    id                    UUID PRIMARY KEY,
    plan_id               UUID NOT NULL REFERENCES plans(id),
    parent_id             UUID REFERENCES plan_nodes(id),
    position              BIGINT NOT NULL,
    kind                  TEXT NOT NULL,
    title                 TEXT NOT NULL,
    description           TEXT,
    responsible_agency_id UUID NOT NULL REFERENCES agencies(id),
    supporting            TEXT NOT NULL,
    starts_on             BIGINT,
    ends_on               BIGINT,
    budget                BIGINT,
    funding_source        TEXT,
    indicator             TEXT,
    unit                  TEXT,
    target                DOUBLE PRECISION,
    achieved              DOUBLE PRECISION,
    status                TEXT NOT NULL,
    activity_kind         TEXT,
    activity              TEXT,
    evidence              TEXT NOT NULL,
    version               BIGINT NOT NULL,
    created_by            UUID NOT NULL REFERENCES users(id),
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    CHECK (budget IS NULL OR budget >= 0),
    CHECK (starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX plan_nodes_plan ON plan_nodes(plan_id, position);

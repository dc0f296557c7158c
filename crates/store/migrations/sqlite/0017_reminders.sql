-- Reminders of open action items (ADR 24): each kind ('due_soon', 'overdue') is sent once
-- per item; the key refuses a second, so two runs racing send it once.
CREATE TABLE coord_reminders (
    action_item_id BLOB NOT NULL REFERENCES coord_action_items(id),
    kind           TEXT NOT NULL,
    sent_at        INTEGER NOT NULL,
    recipients     INTEGER NOT NULL,
    PRIMARY KEY (action_item_id, kind)
);
CREATE INDEX coord_action_items_open_due ON coord_action_items(status, due);

-- A user's private calendar address (ADR 24): only the SHA-256 of its token is kept; one
-- per user, issuing a new one replaces it, revoking deletes it.
CREATE TABLE calendar_tokens (
    user_id     BLOB PRIMARY KEY REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

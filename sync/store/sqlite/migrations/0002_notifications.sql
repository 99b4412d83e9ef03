-- Delivery routing state: one row per (finding, recipient), which findings
-- each post lists (to re-render it when one resolves or is acknowledged),
-- per-recipient group timers, acknowledgements, and post attempts that may
-- have reached Slack (checked by message metadata before posting again).

CREATE TABLE notifications (
    finding_key  TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    state        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    digest       INTEGER NOT NULL DEFAULT 0,
    bypass       INTEGER NOT NULL DEFAULT 0,
    due_at       BIGINT NOT NULL,
    delivery_key TEXT NOT NULL DEFAULT '',
    sent_at      BIGINT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (finding_key, recipient)
);
CREATE INDEX notifications_due ON notifications (state, due_at);
CREATE INDEX notifications_recipient ON notifications (recipient, state);

CREATE TABLE notification_posts (
    delivery_key TEXT NOT NULL,
    finding_key  TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (delivery_key, finding_key)
);
CREATE INDEX notification_posts_finding ON notification_posts (finding_key, seq);

CREATE TABLE notification_groups (
    recipient    TEXT NOT NULL,
    digest       INTEGER NOT NULL,
    last_sent_at BIGINT NOT NULL,
    PRIMARY KEY (recipient, digest)
);

CREATE TABLE finding_acks (
    finding_key TEXT PRIMARY KEY,
    acked_by    TEXT NOT NULL,
    acked_at    BIGINT NOT NULL
);

CREATE TABLE delivery_attempts (
    delivery_key TEXT PRIMARY KEY,
    started_at   BIGINT NOT NULL
);

-- Pushed events already handled (Slack event ids, interaction keys), shared
-- by every replica so that a redelivery reaching another one is a repeat.
-- Pruned after a retention.

CREATE TABLE seen_events (
    id         TEXT COLLATE "C" PRIMARY KEY,
    first_seen TIMESTAMPTZ NOT NULL
);
CREATE INDEX seen_events_first_seen ON seen_events (first_seen);

-- Pushed events already handled (Slack event ids, interaction keys), so that
-- a redelivery is a repeat across restarts. Pruned after a retention.

CREATE TABLE seen_events (
    id         TEXT PRIMARY KEY,
    first_seen BIGINT NOT NULL
);
CREATE INDEX seen_events_first_seen ON seen_events (first_seen);

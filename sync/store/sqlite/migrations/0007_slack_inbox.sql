-- Pushed Slack deliveries recorded before they are acknowledged and deleted
-- once handled, so that a kill between the two loses nothing. seq keeps
-- arrival order among entries received in one millisecond.

CREATE TABLE slack_inbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    event_key     TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    payload       BLOB NOT NULL,
    received      BIGINT NOT NULL,
    claimed_until BIGINT
);

-- Pushed Slack deliveries recorded before they are acknowledged and deleted
-- once handled, so that a kill between the two loses nothing. A replica
-- claims an entry for a lease before handling it; a dead replica's claim
-- runs out and another takes the entry over.

CREATE TABLE slack_inbox (
    seq           BIGSERIAL PRIMARY KEY,
    event_key     TEXT COLLATE "C" NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    payload       BYTEA NOT NULL,
    received      TIMESTAMPTZ NOT NULL,
    claimed_until TIMESTAMPTZ
);

-- Initial schema: SQLite's 0001_init and 0002_notifications in one step.
-- Instants are TIMESTAMPTZ truncated to milliseconds by the store, NULL when
-- unset; civil dates are 'YYYY-MM-DD' text; flags are BOOLEAN.
--
-- Every text column uses the "C" collation: keys, Slack ts values and civil
-- dates must compare and sort byte by byte, as in SQLite and Go, whatever
-- locale the database was created with (en_US would order "ACME-10" and
-- punctuation differently).

CREATE TABLE cursors (
    source     TEXT COLLATE "C" PRIMARY KEY,
    version    INTEGER NOT NULL,
    data       BYTEA NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE tasks (
    key                 TEXT COLLATE "C" PRIMARY KEY,
    id                  TEXT COLLATE "C" NOT NULL,
    project_key         TEXT COLLATE "C" NOT NULL,
    summary             TEXT COLLATE "C" NOT NULL,
    status              TEXT COLLATE "C" NOT NULL,
    status_category     TEXT COLLATE "C" NOT NULL,
    assignee_account_id TEXT COLLATE "C" NOT NULL,
    due_date            TEXT COLLATE "C",
    original_estimate   BIGINT,
    remaining_estimate  BIGINT,
    time_spent          BIGINT,
    labels              TEXT[] COLLATE "C" NOT NULL,
    issue_type          TEXT COLLATE "C" NOT NULL,
    parent_key          TEXT COLLATE "C" NOT NULL,
    created_at          TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ,
    resolved_at         TIMESTAMPTZ,
    deleted             BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX tasks_project ON tasks (project_key, status_category);
CREATE INDEX tasks_assignee ON tasks (assignee_account_id, status_category);
CREATE INDEX tasks_due ON tasks (due_date);

CREATE TABLE worklogs (
    id                TEXT COLLATE "C" PRIMARY KEY,
    issue_key         TEXT COLLATE "C" NOT NULL,
    project_key       TEXT COLLATE "C" NOT NULL,
    author_account_id TEXT COLLATE "C" NOT NULL,
    started_at        TIMESTAMPTZ NOT NULL,
    seconds           BIGINT NOT NULL,
    updated_at        TIMESTAMPTZ
);
CREATE INDEX worklogs_started ON worklogs (started_at);
CREATE INDEX worklogs_project ON worklogs (project_key, started_at);

CREATE TABLE messages (
    channel_id TEXT COLLATE "C" NOT NULL,
    ts         TEXT COLLATE "C" NOT NULL,
    thread_ts  TEXT COLLATE "C" NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL,
    team_id    TEXT COLLATE "C" NOT NULL,
    text       TEXT COLLATE "C" NOT NULL,
    subtype    TEXT COLLATE "C" NOT NULL,
    edited_ts  TEXT COLLATE "C" NOT NULL,
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    permalink  TEXT COLLATE "C" NOT NULL,
    client_id  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (channel_id, ts)
);
CREATE INDEX messages_thread ON messages (channel_id, thread_ts);
CREATE INDEX messages_client ON messages (client_id, ts);
CREATE INDEX messages_ts ON messages (ts);

-- One row per (row, metric): sums stay in SQL and new metrics need no migration.
CREATE TABLE metrics (
    source    TEXT COLLATE "C" NOT NULL,
    account   TEXT COLLATE "C" NOT NULL,
    date      TEXT COLLATE "C" NOT NULL,
    dimension TEXT COLLATE "C" NOT NULL,
    dim_kind  TEXT COLLATE "C" NOT NULL,
    name      TEXT COLLATE "C" NOT NULL,
    client_id TEXT COLLATE "C" NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (source, account, date, dimension, name)
);
CREATE INDEX metrics_client ON metrics (source, client_id, dim_kind, date);

CREATE TABLE findings (
    key          TEXT COLLATE "C" PRIMARY KEY,
    rule         TEXT COLLATE "C" NOT NULL,
    client_id    TEXT COLLATE "C" NOT NULL,
    subject_kind TEXT COLLATE "C" NOT NULL,
    subject_id   TEXT COLLATE "C" NOT NULL,
    subject_url  TEXT COLLATE "C" NOT NULL,
    severity     TEXT COLLATE "C" NOT NULL,
    title        TEXT COLLATE "C" NOT NULL,
    fields       JSONB NOT NULL,
    content_hash TEXT COLLATE "C" NOT NULL,
    first_seen   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL,
    resolved_at  TIMESTAMPTZ
);
CREATE INDEX findings_open ON findings (rule, client_id) WHERE resolved_at IS NULL;

-- payload is JSON, not JSONB: the rendered message must come back byte for
-- byte as enqueued (JSONB would reorder keys and respace it).
CREATE TABLE deliveries (
    key         TEXT COLLATE "C" PRIMARY KEY,
    finding_key TEXT COLLATE "C" NOT NULL,
    recipient   TEXT COLLATE "C" NOT NULL,
    channel_id  TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    payload     JSON NOT NULL,
    due_at      TIMESTAMPTZ NOT NULL,
    state       TEXT COLLATE "C" NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT COLLATE "C" NOT NULL DEFAULT '',
    slack_ts    TEXT COLLATE "C" NOT NULL DEFAULT '',
    lease_owner TEXT COLLATE "C" NOT NULL DEFAULT '',
    lease_until TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, due_at, key);
CREATE INDEX deliveries_lease ON deliveries (lease_until) WHERE state = 'sending';
CREATE INDEX deliveries_finding ON deliveries (finding_key);

CREATE TABLE silences (
    id          TEXT COLLATE "C" PRIMARY KEY,
    rule        TEXT COLLATE "C" NOT NULL,
    client_id   TEXT COLLATE "C" NOT NULL,
    subject_id  TEXT COLLATE "C" NOT NULL,
    finding_key TEXT COLLATE "C" NOT NULL,
    starts_at   TIMESTAMPTZ NOT NULL,
    ends_at     TIMESTAMPTZ NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    comment     TEXT COLLATE "C" NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX silences_ends ON silences (ends_at);

-- data is NULL when the caller stored none.
CREATE TABLE report_state (
    key        TEXT COLLATE "C" PRIMARY KEY,
    hash       TEXT COLLATE "C" NOT NULL,
    data       JSON,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     TIMESTAMPTZ NOT NULL,
    actor  TEXT COLLATE "C" NOT NULL,
    action TEXT COLLATE "C" NOT NULL,
    detail TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_at ON audit (at);

-- Delivery routing state: one row per (finding, recipient), which findings
-- each post lists (to re-render it when one resolves or is acknowledged),
-- per-recipient group timers, acknowledgements, and post attempts that may
-- have reached Slack (checked by message metadata before posting again).

CREATE TABLE notifications (
    finding_key  TEXT COLLATE "C" NOT NULL,
    recipient    TEXT COLLATE "C" NOT NULL,
    state        TEXT COLLATE "C" NOT NULL,
    reason       TEXT COLLATE "C" NOT NULL,
    digest       BOOLEAN NOT NULL DEFAULT FALSE,
    bypass       BOOLEAN NOT NULL DEFAULT FALSE,
    due_at       TIMESTAMPTZ NOT NULL,
    delivery_key TEXT COLLATE "C" NOT NULL DEFAULT '',
    sent_at      TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (finding_key, recipient)
);
CREATE INDEX notifications_due ON notifications (state, due_at);
CREATE INDEX notifications_recipient ON notifications (recipient, state);

-- seq orders a finding's posts as they were recorded. A sequence rather than
-- SQLite's MAX(seq)+1, which two replicas could compute at once.
CREATE TABLE notification_posts (
    delivery_key TEXT COLLATE "C" NOT NULL,
    finding_key  TEXT COLLATE "C" NOT NULL,
    seq          BIGINT GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (delivery_key, finding_key)
);
CREATE INDEX notification_posts_finding ON notification_posts (finding_key, seq);

CREATE TABLE notification_groups (
    recipient    TEXT COLLATE "C" NOT NULL,
    digest       BOOLEAN NOT NULL,
    last_sent_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (recipient, digest)
);

CREATE TABLE finding_acks (
    finding_key TEXT COLLATE "C" PRIMARY KEY,
    acked_by    TEXT COLLATE "C" NOT NULL,
    acked_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE delivery_attempts (
    delivery_key TEXT COLLATE "C" PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL
);

-- Initial schema. Instants are unix milliseconds (UTC) in BIGINT columns,
-- NULL when unset; civil dates are 'YYYY-MM-DD' text; booleans are 0/1.
-- Only standard SQL, so the PostgreSQL schema is this file almost verbatim.

CREATE TABLE cursors (
    source     TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    data       BLOB NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE tasks (
    key                 TEXT PRIMARY KEY,
    id                  TEXT NOT NULL,
    project_key         TEXT NOT NULL,
    summary             TEXT NOT NULL,
    status              TEXT NOT NULL,
    status_category     TEXT NOT NULL,
    assignee_account_id TEXT NOT NULL,
    due_date            TEXT,
    original_estimate   BIGINT,
    remaining_estimate  BIGINT,
    time_spent          BIGINT,
    labels              TEXT NOT NULL,
    issue_type          TEXT NOT NULL,
    parent_key          TEXT NOT NULL,
    created_at          BIGINT,
    updated_at          BIGINT,
    resolved_at         BIGINT,
    deleted             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_project ON tasks (project_key, status_category);
CREATE INDEX tasks_assignee ON tasks (assignee_account_id, status_category);
CREATE INDEX tasks_due ON tasks (due_date);

CREATE TABLE worklogs (
    id                TEXT PRIMARY KEY,
    issue_key         TEXT NOT NULL,
    project_key       TEXT NOT NULL,
    author_account_id TEXT NOT NULL,
    started_at        BIGINT NOT NULL,
    seconds           BIGINT NOT NULL,
    updated_at        BIGINT
);
CREATE INDEX worklogs_started ON worklogs (started_at);
CREATE INDEX worklogs_project ON worklogs (project_key, started_at);

CREATE TABLE messages (
    channel_id TEXT NOT NULL,
    ts         TEXT NOT NULL,
    thread_ts  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    team_id    TEXT NOT NULL,
    text       TEXT NOT NULL,
    subtype    TEXT NOT NULL,
    edited_ts  TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    permalink  TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    PRIMARY KEY (channel_id, ts)
);
CREATE INDEX messages_thread ON messages (channel_id, thread_ts);
CREATE INDEX messages_client ON messages (client_id, ts);
CREATE INDEX messages_ts ON messages (ts);

-- One row per (row, metric): sums stay in SQL and new metrics need no migration.
CREATE TABLE metrics (
    source    TEXT NOT NULL,
    account   TEXT NOT NULL,
    date      TEXT NOT NULL,
    dimension TEXT NOT NULL,
    dim_kind  TEXT NOT NULL,
    name      TEXT NOT NULL,
    client_id TEXT NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (source, account, date, dimension, name)
);
CREATE INDEX metrics_client ON metrics (source, client_id, dim_kind, date);

CREATE TABLE findings (
    key          TEXT PRIMARY KEY,
    rule         TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    subject_url  TEXT NOT NULL,
    severity     TEXT NOT NULL,
    title        TEXT NOT NULL,
    fields       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    first_seen   BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL,
    resolved_at  BIGINT
);
CREATE INDEX findings_open ON findings (resolved_at, rule, client_id);

CREATE TABLE deliveries (
    key         TEXT PRIMARY KEY,
    finding_key TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    due_at      BIGINT NOT NULL,
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    slack_ts    TEXT NOT NULL DEFAULT '',
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, due_at);
CREATE INDEX deliveries_finding ON deliveries (finding_key);

CREATE TABLE silences (
    id          TEXT PRIMARY KEY,
    rule        TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    finding_key TEXT NOT NULL,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    comment     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX silences_ends ON silences (ends_at);

CREATE TABLE report_state (
    key        TEXT PRIMARY KEY,
    hash       TEXT NOT NULL,
    data       TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     BIGINT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at);

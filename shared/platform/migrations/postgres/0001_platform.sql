-- What every service's database holds besides its own tables: idempotency records, the audit
-- trail, the outbox, the inbox of deliveries already applied, and the sweeper's jobs.
-- Platform migrations are numbered below 100; each service numbers its own from 100.

CREATE TABLE idempotency (
    request_id   TEXT PRIMARY KEY,
    method       TEXT NOT NULL,
    request_hash BYTEA NOT NULL,
    response     BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX idempotency_created_at ON idempotency (created_at);

CREATE TABLE audit (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at           TIMESTAMPTZ NOT NULL,
    recorded_at           TIMESTAMPTZ NOT NULL,
    action                TEXT NOT NULL,
    subject               TEXT NOT NULL,
    reason                TEXT NOT NULL,
    subsystem             TEXT NOT NULL,
    official_id           TEXT,
    official_role         TEXT,
    official_jurisdiction TEXT,
    user_iin              TEXT,
    representative_iin    TEXT,
    representative_basis  TEXT,
    request_id            TEXT
);
CREATE INDEX audit_subject ON audit (subject, id);

CREATE TABLE outbox (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,
    client          TEXT NOT NULL,
    destination     TEXT NOT NULL,
    method          TEXT NOT NULL,
    case_name       TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    user_iin        TEXT,
    payload         BYTEA NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_until   TIMESTAMPTZ,
    delivered_at    TIMESTAMPTZ,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;

CREATE TABLE inbox (
    client      TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (client, message_id)
);

CREATE TABLE jobs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    due_at        TIMESTAMPTZ NOT NULL,
    done_at       TIMESTAMPTZ,
    claimed_until TIMESTAMPTZ,
    attempts      BIGINT NOT NULL DEFAULT 0,
    last_error    TEXT,
    UNIQUE (kind, subject, due_at)
);
CREATE INDEX jobs_due ON jobs (due_at) WHERE done_at IS NULL;

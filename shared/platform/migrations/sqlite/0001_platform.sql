-- What every service's database holds besides its own tables: idempotency records, the audit
-- trail, the outbox, the inbox of deliveries already applied, and the sweeper's jobs.
-- Platform migrations are numbered below 100; each service numbers its own from 100.

CREATE TABLE idempotency (
    request_id   TEXT PRIMARY KEY,
    method       TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    response     BLOB NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX idempotency_created_at ON idempotency (created_at);

CREATE TABLE audit (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at           TEXT NOT NULL,
    recorded_at           TEXT NOT NULL,
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
) STRICT;
CREATE INDEX audit_subject ON audit (subject, id);

CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id      TEXT NOT NULL UNIQUE,
    client          TEXT NOT NULL,
    destination     TEXT NOT NULL,
    method          TEXT NOT NULL,
    case_name       TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    user_iin        TEXT,
    payload         BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,
    delivered_at    TEXT,
    last_error      TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;

CREATE TABLE inbox (
    client      TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (client, message_id)
) STRICT;

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    due_at        TEXT NOT NULL,
    done_at       TEXT,
    claimed_until TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    UNIQUE (kind, subject, due_at)
) STRICT;
CREATE INDEX jobs_due ON jobs (due_at) WHERE done_at IS NULL;

-- Consent, the certification authority, one-time passwords, notifications, monitoring, and
-- the evidence and processing logs.

CREATE TABLE consents (
    iin          TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    granted_at   TEXT NOT NULL,
    withdrawn_at TEXT,
    PRIMARY KEY (iin, purpose)
);

-- The gateway's own secrets: the root of the certification authority, the evidence key, and
-- the secret the seeded people's test keys are derived from. They persist across restarts.
CREATE TABLE gateway_keys (
    name   TEXT PRIMARY KEY,
    secret BLOB NOT NULL
);

CREATE TABLE certificates (
    serial            TEXT PRIMARY KEY,
    iin               TEXT NOT NULL,
    encoded           BLOB NOT NULL,
    not_after         TEXT NOT NULL,
    revoked_at        TEXT,
    revocation_reason TEXT
);
CREATE INDEX certificates_iin ON certificates (iin);

CREATE TABLE otps (
    iin           TEXT NOT NULL,
    digest        TEXT NOT NULL,
    code_hash     BLOB NOT NULL,
    dev_code      TEXT,
    expires_at    TEXT NOT NULL,
    attempts_left INTEGER NOT NULL,
    used          INTEGER NOT NULL,
    PRIMARY KEY (iin, digest)
);

CREATE TABLE notifications (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    recipient  TEXT NOT NULL,
    channel    TEXT NOT NULL,
    text_kk    TEXT NOT NULL,
    text_ru    TEXT NOT NULL,
    text_en    TEXT NOT NULL,
    case_name  TEXT NOT NULL,
    sender     TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    UNIQUE (sender, message_id)
);
CREATE INDEX notifications_recipient ON notifications (recipient, seq);

CREATE TABLE stage_reports (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    service     TEXT NOT NULL,
    case_name   TEXT NOT NULL,
    stage       TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    channel     TEXT NOT NULL,
    reporter    TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (reporter, message_id)
);
CREATE INDEX stage_reports_case ON stage_reports (case_name, seq);
CREATE INDEX stage_reports_service ON stage_reports (service, seq);

CREATE TABLE evidence (
    sequence      INTEGER PRIMARY KEY,
    client        TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    method        TEXT NOT NULL,
    case_name     TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    response_hash TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    entry_hash    TEXT NOT NULL,
    signature     BLOB
);

CREATE TABLE processing_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    iin       TEXT NOT NULL,
    client    TEXT NOT NULL,
    method    TEXT NOT NULL,
    fields    TEXT NOT NULL,
    case_name TEXT NOT NULL,
    purpose   TEXT NOT NULL,
    user_iin  TEXT NOT NULL,
    read_at   TEXT NOT NULL
);
CREATE INDEX processing_log_iin ON processing_log (iin, seq);

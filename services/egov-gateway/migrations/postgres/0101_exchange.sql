-- Consent, the certification authority, one-time passwords, notifications, monitoring, and
-- the evidence and processing logs.

CREATE TABLE consents (
    iin          TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    granted_at   TIMESTAMPTZ NOT NULL,
    withdrawn_at TIMESTAMPTZ,
    PRIMARY KEY (iin, purpose)
);

-- The gateway's own secrets: the root of the certification authority, the evidence key, and
-- the secret the seeded people's test keys are derived from. They persist across restarts.
CREATE TABLE gateway_keys (
    name   TEXT PRIMARY KEY,
    secret BYTEA NOT NULL
);

CREATE TABLE certificates (
    serial            TEXT PRIMARY KEY,
    iin               TEXT NOT NULL,
    encoded           BYTEA NOT NULL,
    not_after         TIMESTAMPTZ NOT NULL,
    revoked_at        TIMESTAMPTZ,
    revocation_reason TEXT
);
CREATE INDEX certificates_iin ON certificates (iin);

CREATE TABLE otps (
    iin           TEXT NOT NULL,
    digest        TEXT NOT NULL,
    code_hash     BYTEA NOT NULL,
    dev_code      TEXT,
    expires_at    TIMESTAMPTZ NOT NULL,
    attempts_left BIGINT NOT NULL,
    used          BIGINT NOT NULL,
    PRIMARY KEY (iin, digest)
);

CREATE TABLE notifications (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    recipient  TEXT NOT NULL,
    channel    TEXT NOT NULL,
    text_kk    TEXT NOT NULL,
    text_ru    TEXT NOT NULL,
    text_en    TEXT NOT NULL,
    case_name  TEXT NOT NULL,
    sender     TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (sender, message_id)
);
CREATE INDEX notifications_recipient ON notifications (recipient, seq);

CREATE TABLE stage_reports (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    service     TEXT NOT NULL,
    case_name   TEXT NOT NULL,
    stage       TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    channel     TEXT NOT NULL,
    reporter    TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (reporter, message_id)
);
CREATE INDEX stage_reports_case ON stage_reports (case_name, seq);
CREATE INDEX stage_reports_service ON stage_reports (service, seq);

CREATE TABLE evidence (
    sequence      BIGINT PRIMARY KEY,
    client        TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    method        TEXT NOT NULL,
    case_name     TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    response_hash TEXT NOT NULL,
    recorded_at   TIMESTAMPTZ NOT NULL,
    previous_hash TEXT NOT NULL,
    entry_hash    TEXT NOT NULL,
    signature     BYTEA
);

CREATE TABLE processing_log (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    iin       TEXT NOT NULL,
    client    TEXT NOT NULL,
    method    TEXT NOT NULL,
    fields    TEXT NOT NULL,
    case_name TEXT NOT NULL,
    purpose   TEXT NOT NULL,
    user_iin  TEXT NOT NULL,
    read_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX processing_log_iin ON processing_log (iin, seq);

-- The complaints (SR cl. 33, 34; PR cl. 14). A complaint is this service's case, kept in the
-- shape shared/casework writes: the table `applications` (stage, last_sequence, updated_at,
-- received_at, deadline_*) and its `application_events`.

CREATE TABLE applications (
    id                          BIGSERIAL PRIMARY KEY,
    business_id                 TEXT NOT NULL UNIQUE,
    complainant_iin             TEXT NOT NULL,
    application                 TEXT NOT NULL,
    service                     TEXT NOT NULL,
    reviewer_kind               TEXT NOT NULL,
    reviewer_id                 TEXT NOT NULL,
    filed_channel               TEXT NOT NULL,
    subject                     TEXT NOT NULL,
    text                        TEXT NOT NULL,
    case_check                  TEXT NOT NULL,
    stage                       TEXT NOT NULL,
    received_at                 TIMESTAMPTZ NOT NULL,
    registered_at               TIMESTAMPTZ NOT NULL,
    registered_on               TEXT NOT NULL,
    deadline_term               BIGINT NOT NULL,
    deadline_unit               TEXT NOT NULL,
    deadline_counted_from       TEXT NOT NULL,
    deadline_counted_from_at    TIMESTAMPTZ NOT NULL,
    deadline_due_date           TEXT NOT NULL,
    deadline_due_at             TIMESTAMPTZ NOT NULL,
    deadline_clause             TEXT NOT NULL,
    deadline_calendar_version   TEXT NOT NULL,
    extended_at                 TIMESTAMPTZ,
    extra_days                  BIGINT,
    extension_reasons           TEXT,
    extension_explanation       TEXT,
    notice_due_date             TEXT,
    notice_due_at               TIMESTAMPTZ,
    decision_kk                 TEXT,
    decision_ru                 TEXT,
    decision_en                 TEXT,
    overdue                     BIGINT NOT NULL DEFAULT 0,
    last_sequence               BIGINT NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL
);
CREATE INDEX applications_application ON applications (application);
CREATE INDEX applications_due ON applications (deadline_due_at) WHERE stage IN ('UNDER_REVIEW', 'EXTENDED');

CREATE TABLE application_events (
    application_id              BIGINT NOT NULL REFERENCES applications (id),
    sequence                    BIGINT NOT NULL,
    stage                       TEXT NOT NULL,
    occurred_at                 TIMESTAMPTZ NOT NULL,
    subsystem                   TEXT NOT NULL,
    official_id                 TEXT,
    official_role               TEXT,
    user_iin                    TEXT,
    representative_iin          TEXT,
    reason                      TEXT NOT NULL,
    deadline_term               BIGINT,
    deadline_unit               TEXT,
    deadline_counted_from       TEXT,
    deadline_counted_from_at    TIMESTAMPTZ,
    deadline_due_date           TEXT,
    deadline_due_at             TIMESTAMPTZ,
    deadline_clause             TEXT,
    deadline_calendar_version   TEXT,
    PRIMARY KEY (application_id, sequence)
);

CREATE TABLE documents (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    seq            BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    content        BYTEA NOT NULL,
    PRIMARY KEY (application_id, seq)
);

-- The registry's cases (Annex 2): applications with their history, findings, confirmations
-- and documents; the waiting lists [A-QUEUE]; the officials' review tasks; and the recorded
-- changes of the service standard (RR cl. 2).

CREATE TABLE applications (
    id                          BIGSERIAL PRIMARY KEY,
    business_id                 TEXT NOT NULL UNIQUE,
    applicant_iin               TEXT NOT NULL,
    representative_iin          TEXT,
    representative_basis        TEXT,
    representative_reference    TEXT,
    case_kind                   TEXT NOT NULL,
    effective_case              TEXT NOT NULL,
    settlement_kato             TEXT NOT NULL,
    list_category               TEXT NOT NULL,
    stage                       TEXT NOT NULL,
    received_at                 TIMESTAMPTZ NOT NULL,
    accepted_at                 TIMESTAMPTZ NOT NULL,
    accepted_on                 TEXT NOT NULL,
    deadline_term               BIGINT NOT NULL,
    deadline_unit               TEXT NOT NULL,
    deadline_counted_from       TEXT NOT NULL,
    deadline_counted_from_at    TIMESTAMPTZ NOT NULL,
    deadline_due_date           TEXT NOT NULL,
    deadline_due_at             TIMESTAMPTZ NOT NULL,
    deadline_clause             TEXT NOT NULL,
    deadline_calendar_version   TEXT NOT NULL,
    refusal_code                TEXT,
    refusal_reason              TEXT,
    last_sequence               BIGINT NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL
);
-- One open application or enrolment per person and list: the unique index keeps it true
-- under concurrent creates (DESIGN.md "Cases, deadlines and evidence").
CREATE UNIQUE INDEX applications_one_per_list ON applications (applicant_iin, settlement_kato, list_category)
    WHERE stage IN ('ACCEPTED', 'UNDER_REVIEW', 'RECONSIDERATION', 'ENROLLED');
CREATE INDEX applications_applicant ON applications (applicant_iin);
CREATE INDEX applications_open_due ON applications (deadline_due_at) WHERE stage IN ('ACCEPTED', 'UNDER_REVIEW', 'RECONSIDERATION');

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

CREATE TABLE findings (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    seq            BIGINT NOT NULL,
    code           TEXT NOT NULL,
    ground         TEXT,
    source         TEXT NOT NULL,
    person_iin     TEXT NOT NULL,
    occurred_on    TEXT,
    detail         TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE confirmations (
    application_id     BIGINT NOT NULL REFERENCES applications (id),
    signer_iin         TEXT NOT NULL,
    method             TEXT NOT NULL,
    certificate_serial TEXT NOT NULL,
    verified_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX confirmations_application ON confirmations (application_id);

CREATE TABLE documents (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    seq            BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    content        BYTEA NOT NULL,
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE queue_entries (
    application_id   BIGINT PRIMARY KEY REFERENCES applications (id),
    settlement_kato  TEXT NOT NULL,
    list_category    TEXT NOT NULL,
    person_iin       TEXT NOT NULL,
    accepted_at      TIMESTAMPTZ NOT NULL,
    enrolled_at      TIMESTAMPTZ NOT NULL,
    removed_at       TIMESTAMPTZ,
    removal_ground   TEXT,
    removal_reason   TEXT,
    last_position    BIGINT
);
CREATE INDEX queue_order ON queue_entries (settlement_kato, list_category, accepted_at, application_id) WHERE removed_at IS NULL;
CREATE INDEX queue_person ON queue_entries (person_iin) WHERE removed_at IS NULL;

CREATE TABLE review_tasks (
    id              BIGSERIAL PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    state           TEXT NOT NULL,
    assignee        TEXT,
    settlement_kato TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    claimed_at      TIMESTAMPTZ,
    decided_at      TIMESTAMPTZ,
    reason          TEXT
);
CREATE INDEX review_tasks_state ON review_tasks (state, id);

CREATE TABLE standard_publications (
    id                 BIGSERIAL PRIMARY KEY,
    in_force_from      TEXT NOT NULL,
    source             TEXT NOT NULL,
    summary_kk         TEXT NOT NULL,
    summary_ru         TEXT NOT NULL,
    summary_en         TEXT NOT NULL,
    notices_due_date   TEXT NOT NULL,
    notices_due_at     TIMESTAMPTZ NOT NULL,
    calendar_version   TEXT NOT NULL,
    recorded_at        TIMESTAMPTZ NOT NULL
);

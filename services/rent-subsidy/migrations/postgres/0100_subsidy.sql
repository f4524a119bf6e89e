-- The rent-subsidy cases (Annex 3): applications with the lease as data [A-LEASE], their
-- history and findings, and the monthly payments [A-ACCRUAL]. The shared columns of
-- `applications` and `application_events` are those shared/casework writes.

CREATE TABLE applications (
    id                          BIGSERIAL PRIMARY KEY,
    business_id                 TEXT NOT NULL UNIQUE,
    applicant_iin               TEXT NOT NULL,
    certificate_serial          TEXT NOT NULL,
    landlord_iin                TEXT NOT NULL,
    address                     TEXT NOT NULL,
    kato                        TEXT NOT NULL,
    area_decimetres             BIGINT NOT NULL,
    family_size                 BIGINT NOT NULL,
    rent_tiyn                   BIGINT NOT NULL,
    lease_start                 TEXT NOT NULL,
    lease_end                   TEXT NOT NULL,
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
    monthly_tiyn                BIGINT,
    parameter_version           TEXT,
    assigned_on                 TEXT,
    stop_reason                 TEXT,
    reviewer                    TEXT,
    last_sequence               BIGINT NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL
);
-- One open or paying application per person (DESIGN.md "Cases, deadlines and evidence").
CREATE UNIQUE INDEX applications_one_per_person ON applications (applicant_iin)
    WHERE stage IN ('ACCEPTED', 'UNDER_REVIEW', 'ASSIGNED', 'RECONSIDERATION');
CREATE INDEX applications_stage ON applications (stage, deadline_due_at);

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
    detail         TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
);

-- A month is paid once: the primary key makes a second accrual of it a no-op.
CREATE TABLE payments (
    application_id    BIGINT NOT NULL REFERENCES applications (id),
    month             TEXT NOT NULL,
    due_on            TEXT NOT NULL,
    amount_tiyn       BIGINT NOT NULL,
    payee_iin         TEXT NOT NULL,
    parameter_version TEXT NOT NULL,
    accrued_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (application_id, month)
);

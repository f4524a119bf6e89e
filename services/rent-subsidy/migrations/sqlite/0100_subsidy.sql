-- The rent-subsidy cases (Annex 3): applications with the lease as data [A-LEASE], their
-- history and findings, and the monthly payments [A-ACCRUAL]. The shared columns of
-- `applications` and `application_events` are those shared/casework writes.

CREATE TABLE applications (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id                 TEXT NOT NULL UNIQUE,
    applicant_iin               TEXT NOT NULL,
    certificate_serial          TEXT NOT NULL,
    landlord_iin                TEXT NOT NULL,
    address                     TEXT NOT NULL,
    kato                        TEXT NOT NULL,
    area_decimetres             INTEGER NOT NULL,
    family_size                 INTEGER NOT NULL,
    rent_tiyn                   INTEGER NOT NULL,
    lease_start                 TEXT NOT NULL,
    lease_end                   TEXT NOT NULL,
    stage                       TEXT NOT NULL,
    received_at                 TEXT NOT NULL,
    accepted_at                 TEXT NOT NULL,
    accepted_on                 TEXT NOT NULL,
    deadline_term               INTEGER NOT NULL,
    deadline_unit               TEXT NOT NULL,
    deadline_counted_from       TEXT NOT NULL,
    deadline_counted_from_at    TEXT NOT NULL,
    deadline_due_date           TEXT NOT NULL,
    deadline_due_at             TEXT NOT NULL,
    deadline_clause             TEXT NOT NULL,
    deadline_calendar_version   TEXT NOT NULL,
    refusal_code                TEXT,
    refusal_reason              TEXT,
    monthly_tiyn                INTEGER,
    parameter_version           TEXT,
    assigned_on                 TEXT,
    stop_reason                 TEXT,
    reviewer                    TEXT,
    last_sequence               INTEGER NOT NULL,
    updated_at                  TEXT NOT NULL
) STRICT;
-- One open or paying application per person (DESIGN.md "Cases, deadlines and evidence").
CREATE UNIQUE INDEX applications_one_per_person ON applications (applicant_iin)
    WHERE stage IN ('ACCEPTED', 'UNDER_REVIEW', 'ASSIGNED', 'RECONSIDERATION');
CREATE INDEX applications_stage ON applications (stage, deadline_due_at);

CREATE TABLE application_events (
    application_id              INTEGER NOT NULL REFERENCES applications (id),
    sequence                    INTEGER NOT NULL,
    stage                       TEXT NOT NULL,
    occurred_at                 TEXT NOT NULL,
    subsystem                   TEXT NOT NULL,
    official_id                 TEXT,
    official_role               TEXT,
    user_iin                    TEXT,
    representative_iin          TEXT,
    reason                      TEXT NOT NULL,
    deadline_term               INTEGER,
    deadline_unit               TEXT,
    deadline_counted_from       TEXT,
    deadline_counted_from_at    TEXT,
    deadline_due_date           TEXT,
    deadline_due_at             TEXT,
    deadline_clause             TEXT,
    deadline_calendar_version   TEXT,
    PRIMARY KEY (application_id, sequence)
) STRICT;

CREATE TABLE findings (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    seq            INTEGER NOT NULL,
    code           TEXT NOT NULL,
    ground         TEXT,
    source         TEXT NOT NULL,
    detail         TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
) STRICT;

-- A month is paid once: the primary key makes a second accrual of it a no-op.
CREATE TABLE payments (
    application_id    INTEGER NOT NULL REFERENCES applications (id),
    month             TEXT NOT NULL,
    due_on            TEXT NOT NULL,
    amount_tiyn       INTEGER NOT NULL,
    payee_iin         TEXT NOT NULL,
    parameter_version TEXT NOT NULL,
    accrued_at        TEXT NOT NULL,
    PRIMARY KEY (application_id, month)
) STRICT;

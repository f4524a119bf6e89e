-- The privatization cases (Annex 1): applications with their history, findings, confirmations,
-- family members and documents. The `applications` and `application_events` columns that every
-- housing service shares (stage, last_sequence, updated_at, deadline_*) are those
-- shared/casework writes.

CREATE TABLE applications (
    id                              INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id                     TEXT NOT NULL UNIQUE,
    applicant_iin                   TEXT NOT NULL,
    representative_iin              TEXT,
    representative_basis            TEXT,
    representative_reference        TEXT,
    channel                         TEXT NOT NULL,
    office_id                       TEXT,
    dwelling_id                     TEXT NOT NULL,
    fund_kind                       TEXT NOT NULL,
    settlement_kato                 TEXT NOT NULL,
    stage                           TEXT NOT NULL,
    received_at                     TEXT NOT NULL,
    accepted_at                     TEXT NOT NULL,
    accepted_on                     TEXT NOT NULL,
    deadline_term                   INTEGER NOT NULL,
    deadline_unit                   TEXT NOT NULL,
    deadline_counted_from           TEXT NOT NULL,
    deadline_counted_from_at        TEXT NOT NULL,
    deadline_due_date               TEXT NOT NULL,
    deadline_due_at                 TEXT NOT NULL,
    deadline_clause                 TEXT NOT NULL,
    deadline_calendar_version       TEXT NOT NULL,
    refusal_code                    TEXT,
    refusal_reason                  TEXT,
    decision_number                 TEXT,
    decided_on                      TEXT,
    price_tiyn                      INTEGER,
    gratuitous                      INTEGER NOT NULL DEFAULT 0,
    property_body_decision_number   TEXT,
    property_body_decided_on        TEXT,
    transfer_act_number             TEXT,
    registration_number             TEXT,
    contract_number                 TEXT,
    transfer_due_date               TEXT,
    transfer_due_at                 TEXT,
    transfer_calendar_version       TEXT,
    last_sequence                   INTEGER NOT NULL,
    updated_at                      TEXT NOT NULL
) STRICT;
-- One privatization per dwelling: an open or completed case keeps any other out (DESIGN.md
-- "Cases, deadlines and evidence"), under concurrent filings too.
CREATE UNIQUE INDEX applications_one_per_dwelling ON applications (dwelling_id) WHERE stage <> 'REFUSED';
CREATE INDEX applications_applicant ON applications (applicant_iin);
CREATE INDEX applications_open_due ON applications (deadline_due_at) WHERE stage NOT IN ('REFUSED', 'COMPLETED');

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
    person_iin     TEXT NOT NULL,
    detail         TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
) STRICT;

CREATE TABLE family_members (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    iin            TEXT NOT NULL,
    confirmed_with TEXT NOT NULL,
    PRIMARY KEY (application_id, iin)
) STRICT;

CREATE TABLE documents (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    content        BLOB NOT NULL,
    PRIMARY KEY (application_id, seq)
) STRICT;

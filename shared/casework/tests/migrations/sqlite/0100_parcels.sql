-- A kind of case built only for the kernel's tests: the tables every case kind keeps, in the
-- shapes the kernel reads and writes, and one column of the kind's own (the parcel's district).
CREATE TABLE applications (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    applicant_iin               TEXT NOT NULL,
    district                    TEXT NOT NULL,
    stage                       TEXT NOT NULL,
    received_at                 TEXT NOT NULL,
    deadline_term               INTEGER NOT NULL,
    deadline_unit               TEXT NOT NULL,
    deadline_counted_from       TEXT NOT NULL,
    deadline_counted_from_at    TEXT NOT NULL,
    deadline_due_date           TEXT NOT NULL,
    deadline_due_at             TEXT NOT NULL,
    deadline_clause             TEXT NOT NULL,
    deadline_calendar_version   TEXT NOT NULL,
    refusal_code                TEXT,
    last_sequence               INTEGER NOT NULL,
    updated_at                  TEXT NOT NULL
) STRICT;
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
    person_iin     TEXT NOT NULL,
    occurred_on    TEXT,
    detail         TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
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

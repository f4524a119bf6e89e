-- A kind of case built only for the kernel's tests: its `applications` table, in the shape the
-- kernel reads and writes, with one column of the kind's own (the parcel's district). The stage
-- history, findings and documents are the kernel's own tables (casework::CASE_TABLES).
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

-- The tables the case kernel keeps for every kind of case (casework): the stage history with
-- its deadlines (history), the facts found in the state systems (findings) and the documents
-- the applicant attached (documents). They hang off the kind's own `applications` table, so
-- they are numbered after every migration of a service. The four services that existed before
-- the kernel created the same tables in their own first migrations: for them this one only adds
-- what they lacked (IF NOT EXISTS), and a test holds their columns to these.
CREATE TABLE IF NOT EXISTS application_events (
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

CREATE TABLE IF NOT EXISTS findings (
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

CREATE TABLE IF NOT EXISTS documents (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    seq            BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    content        BYTEA NOT NULL,
    PRIMARY KEY (application_id, seq)
);

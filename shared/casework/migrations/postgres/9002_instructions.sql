-- Instructions of upheld complaints (casework::instructions): what the reviewing body ordered
-- the provider to do about a case, kept with the case until an official reports it done; one
-- per complaint.
CREATE TABLE IF NOT EXISTS instructions (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    seq            BIGINT NOT NULL,
    complaint      TEXT NOT NULL UNIQUE,
    remedy         TEXT NOT NULL,
    document_kind  TEXT NOT NULL,
    days           BIGINT NOT NULL,
    text_kk        TEXT NOT NULL,
    text_ru        TEXT NOT NULL,
    text_en        TEXT NOT NULL,
    received_at    TIMESTAMPTZ NOT NULL,
    due_date       TEXT NOT NULL,
    due_at         TIMESTAMPTZ NOT NULL,
    done_at        TIMESTAMPTZ,
    done_note      TEXT,
    PRIMARY KEY (application_id, seq)
);

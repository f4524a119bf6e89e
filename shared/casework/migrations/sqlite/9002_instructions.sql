-- Instructions of upheld complaints (casework::instructions): what the reviewing body ordered
-- the provider to do about a case, kept with the case until an official reports it done; one
-- per complaint.
CREATE TABLE IF NOT EXISTS instructions (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    seq            INTEGER NOT NULL,
    complaint      TEXT NOT NULL UNIQUE,
    remedy         TEXT NOT NULL,
    document_kind  TEXT NOT NULL,
    days           INTEGER NOT NULL,
    text_kk        TEXT NOT NULL,
    text_ru        TEXT NOT NULL,
    text_en        TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    due_date       TEXT NOT NULL,
    due_at         TEXT NOT NULL,
    done_at        TEXT,
    done_note      TEXT,
    PRIMARY KEY (application_id, seq)
) STRICT;

-- Results as signed e-documents (casework::results): the provider's sealing key and, once the
-- certification authority issued it, its certificate; each result document with its canonical
-- content; and its signatures (the provider's seal first, then officials' and the applicant's).
CREATE TABLE IF NOT EXISTS provider_keys (
    name        TEXT PRIMARY KEY,
    secret      BLOB NOT NULL,
    certificate BLOB,
    serial      TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS result_documents (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    seq            INTEGER NOT NULL,
    name           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    content        BLOB NOT NULL,
    sha256         TEXT NOT NULL,
    issued_at      TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
) STRICT;

CREATE TABLE IF NOT EXISTS result_signatures (
    application_id INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    number         INTEGER NOT NULL,
    role           TEXT NOT NULL,
    signer         TEXT NOT NULL,
    serial         TEXT NOT NULL,
    signature      BLOB NOT NULL,
    signed_at      TEXT NOT NULL,
    PRIMARY KEY (application_id, seq, number),
    FOREIGN KEY (application_id, seq) REFERENCES result_documents (application_id, seq)
) STRICT;

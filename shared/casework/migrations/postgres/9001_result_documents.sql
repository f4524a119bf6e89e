-- Results as signed e-documents (casework::results): the provider's sealing key and, once the
-- certification authority issued it, its certificate; each result document with its canonical
-- content; and its signatures (the provider's seal first, then officials' and the applicant's).
CREATE TABLE IF NOT EXISTS provider_keys (
    name        TEXT PRIMARY KEY,
    secret      BYTEA NOT NULL,
    certificate BYTEA,
    serial      TEXT
);

CREATE TABLE IF NOT EXISTS result_documents (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    seq            BIGINT NOT NULL,
    name           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    content        BYTEA NOT NULL,
    sha256         TEXT NOT NULL,
    issued_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE IF NOT EXISTS result_signatures (
    application_id BIGINT NOT NULL,
    seq            BIGINT NOT NULL,
    number         BIGINT NOT NULL,
    role           TEXT NOT NULL,
    signer         TEXT NOT NULL,
    serial         TEXT NOT NULL,
    signature      BYTEA NOT NULL,
    signed_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (application_id, seq, number),
    FOREIGN KEY (application_id, seq) REFERENCES result_documents (application_id, seq)
);

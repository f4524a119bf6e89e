-- The register of result documents (DocumentService): each document a housing service issued,
-- by name, with the SHA-256 of its content, and every signature registered for it; what
-- VerifyResultDocument answers from.
CREATE TABLE document_register (
    name          TEXT PRIMARY KEY,
    client        TEXT NOT NULL,
    case_name     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    issued_at     TIMESTAMPTZ NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE document_signatures (
    name      TEXT NOT NULL REFERENCES document_register (name),
    number    BIGINT NOT NULL,
    role      TEXT NOT NULL,
    signer    TEXT NOT NULL,
    signature BYTEA NOT NULL,
    PRIMARY KEY (name, number)
);

-- The register of result documents (DocumentService): each document a housing service issued,
-- by name, with the SHA-256 of its content, and every signature registered for it; what
-- VerifyResultDocument answers from.
CREATE TABLE document_register (
    name          TEXT PRIMARY KEY,
    client        TEXT NOT NULL,
    case_name     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    issued_at     TEXT NOT NULL,
    registered_at TEXT NOT NULL
) STRICT;

CREATE TABLE document_signatures (
    name      TEXT NOT NULL REFERENCES document_register (name),
    number    INTEGER NOT NULL,
    role      TEXT NOT NULL,
    signer    TEXT NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (name, number)
) STRICT;

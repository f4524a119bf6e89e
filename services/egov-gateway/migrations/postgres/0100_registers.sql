-- The state registers the gateway stands in for. Dates are YYYY-MM-DD text in Kazakhstan's
-- calendar; flags are 0/1; money is in tiyn.

CREATE TABLE settlements (
    kato      TEXT PRIMARY KEY,
    name_kk   TEXT NOT NULL,
    name_ru   TEXT NOT NULL,
    region_kk TEXT NOT NULL
);

CREATE TABLE persons (
    iin         TEXT PRIMARY KEY,
    last_name   TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    patronymic  TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    citizenship TEXT NOT NULL,
    phone       TEXT NOT NULL,
    email       TEXT NOT NULL,
    death_date  TEXT
);

CREATE TABLE identity_documents (
    iin         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    number      TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    PRIMARY KEY (iin, kind, number)
);

CREATE TABLE addresses (
    iin       TEXT NOT NULL,
    kato      TEXT NOT NULL,
    street    TEXT NOT NULL,
    building  TEXT NOT NULL,
    apartment TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date   TEXT,
    PRIMARY KEY (iin, from_date)
);

CREATE TABLE civil_records (
    record_number TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    event_date    TEXT NOT NULL,
    registered_on TEXT NOT NULL
);

CREATE TABLE civil_parties (
    record_number TEXT NOT NULL,
    iin           TEXT NOT NULL,
    role          TEXT NOT NULL,
    PRIMARY KEY (record_number, iin, role)
);
CREATE INDEX civil_parties_iin ON civil_parties (iin);

CREATE TABLE dwellings (
    cadastral_number TEXT PRIMARY KEY,
    kato             TEXT NOT NULL,
    address_line     TEXT NOT NULL,
    area_decimetres  BIGINT NOT NULL,
    emergency_since  TEXT
);

CREATE TABLE ownerships (
    cadastral_number TEXT NOT NULL,
    iin              TEXT NOT NULL,
    acquired_on      TEXT NOT NULL,
    alienated_on     TEXT,
    buyer_id         TEXT,
    buyer_is_leb     BIGINT NOT NULL,
    PRIMARY KEY (cadastral_number, iin, acquired_on)
);
CREATE INDEX ownerships_iin ON ownerships (iin);

CREATE TABLE tenancies (
    iin             TEXT PRIMARY KEY,
    dwelling_id     TEXT NOT NULL,
    kato            TEXT NOT NULL,
    fund_kind       TEXT NOT NULL,
    document        TEXT NOT NULL,
    document_number TEXT NOT NULL,
    arrears_tiyn    BIGINT NOT NULL
);

CREATE TABLE court_decisions (
    case_number    TEXT PRIMARY KEY,
    iin            TEXT NOT NULL,
    kind           TEXT NOT NULL,
    in_force_from  TEXT NOT NULL,
    in_force_until TEXT
);
CREATE INDEX court_decisions_iin ON court_decisions (iin);

CREATE TABLE court_recognized (
    case_number TEXT NOT NULL,
    iin         TEXT NOT NULL,
    PRIMARY KEY (case_number, iin)
);
CREATE INDEX court_recognized_iin ON court_recognized (iin);

CREATE TABLE social_groups (
    iin   TEXT NOT NULL,
    code  TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT,
    PRIMARY KEY (iin, code, since)
);

CREATE TABLE employments (
    iin          TEXT NOT NULL,
    category     TEXT NOT NULL,
    employer_bin TEXT NOT NULL,
    since        TEXT NOT NULL,
    until        TEXT,
    PRIMARY KEY (iin, category, since)
);

CREATE TABLE incomes (
    iin         TEXT NOT NULL,
    month       TEXT NOT NULL,
    amount_tiyn BIGINT NOT NULL,
    PRIMARY KEY (iin, month)
);

-- Populations seeded, so that a restart with the same seed writes nothing.
CREATE TABLE seedings (
    seed      BIGINT PRIMARY KEY,
    persons   BIGINT NOT NULL,
    digest    TEXT NOT NULL
);

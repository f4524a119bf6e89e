-- A service table for the storage tests: a note per id.
CREATE TABLE notes (
    id   TEXT PRIMARY KEY,
    body TEXT NOT NULL
);

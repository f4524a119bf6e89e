-- An application a State Corporation counter accepted while the gateway was away: the request
-- as received, kept until the state systems' data completes it (the COMPLETE job).
CREATE TABLE offline_filings (
    application_id INTEGER PRIMARY KEY REFERENCES applications (id),
    request        BLOB NOT NULL
) STRICT;

-- Whether the application still waits for that data: read with the row, so an answer never
-- shows a completed case as waiting or a waiting one as completed.
ALTER TABLE applications ADD COLUMN awaiting_state_data INTEGER NOT NULL DEFAULT 0;

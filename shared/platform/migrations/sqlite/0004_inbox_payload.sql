-- The SHA-256 of each delivery's payload beside its message id: a redelivery carries the same
-- payload; another payload under a used message id is refused (MESSAGE_ID_REUSED), never
-- dropped as a duplicate. Rows received before this column have none and count as repeats.
ALTER TABLE inbox ADD COLUMN payload_hash BLOB;

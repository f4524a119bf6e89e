-- A delivery refused for good (a permanent error, or too many attempts) is parked with its last
-- error instead of retried forever; an operator lists and re-queues parked rows.
ALTER TABLE outbox ADD COLUMN parked_at TEXT;

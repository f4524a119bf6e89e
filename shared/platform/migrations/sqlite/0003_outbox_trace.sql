-- The W3C trace context of the transaction that wrote a row: its delivery joins that trace.
ALTER TABLE outbox ADD COLUMN traceparent TEXT;

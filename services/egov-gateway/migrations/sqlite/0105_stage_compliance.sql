-- What a stage report says beyond the stage (SR cl. 26): the service's code in the register of
-- state services, the provider's BIN, where the case is decided, the day the stage is due, and
-- at the end the result and its ground; the compliance report and the statistics count them.
ALTER TABLE stage_reports ADD COLUMN service_code TEXT NOT NULL DEFAULT '';
ALTER TABLE stage_reports ADD COLUMN provider_bin TEXT NOT NULL DEFAULT '';
ALTER TABLE stage_reports ADD COLUMN due_date TEXT NOT NULL DEFAULT '';
ALTER TABLE stage_reports ADD COLUMN result TEXT NOT NULL DEFAULT '';
ALTER TABLE stage_reports ADD COLUMN ground TEXT NOT NULL DEFAULT '';
ALTER TABLE stage_reports ADD COLUMN place TEXT NOT NULL DEFAULT '';
CREATE INDEX stage_reports_occurred ON stage_reports (occurred_at);

-- The remedy of an upheld complaint (an instruction to the provider) and its state: OPEN when
-- sent, DONE when the provider reported it carried out.
ALTER TABLE applications ADD COLUMN remedy TEXT;
ALTER TABLE applications ADD COLUMN remedy_document TEXT;
ALTER TABLE applications ADD COLUMN remedy_days BIGINT;
ALTER TABLE applications ADD COLUMN remedy_state TEXT;
ALTER TABLE applications ADD COLUMN remedy_done_at TIMESTAMPTZ;

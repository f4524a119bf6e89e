-- A complaint to the quality-control body about a case whose provider already decided a
-- complaint of the same person: that complaint's name, so the two reviews are read together.
ALTER TABLE applications ADD COLUMN follows TEXT;

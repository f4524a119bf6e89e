-- The applicant's name as the population register recorded it at filing, which the case shows
-- and its notices address; an application filed before has none.
ALTER TABLE applications ADD COLUMN applicant_name TEXT;

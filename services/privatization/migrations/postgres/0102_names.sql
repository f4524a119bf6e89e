-- The applicant's and the representative's names as the population register recorded them at
-- filing, which the case shows and its notices address; an application filed before has none.
ALTER TABLE applications ADD COLUMN applicant_name TEXT;
ALTER TABLE applications ADD COLUMN representative_name TEXT;

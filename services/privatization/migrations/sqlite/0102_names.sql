-- The applicant's and the representative's names as the population register recorded them at
-- filing (issue: names on every case); an application filed before has none.
ALTER TABLE applications ADD COLUMN applicant_name TEXT;
ALTER TABLE applications ADD COLUMN representative_name TEXT;

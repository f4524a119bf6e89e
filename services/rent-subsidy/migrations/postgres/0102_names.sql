-- The applicant's name as the population register recorded it at filing (issue: names on every
-- case); an application filed before has none.
ALTER TABLE applications ADD COLUMN applicant_name TEXT;

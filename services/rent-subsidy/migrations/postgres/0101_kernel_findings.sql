-- The case kernel keeps every service's findings in one shape (casework::findings): whom a
-- finding is about (the applicant's findings before this migration name no one), and the day a
-- found fact happened, where its source gives one.
ALTER TABLE findings ADD COLUMN person_iin TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN occurred_on TEXT;

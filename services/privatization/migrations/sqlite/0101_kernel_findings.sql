-- The case kernel keeps every service's findings in one shape (casework::findings): the day a
-- found fact happened, where its source gives one.
ALTER TABLE findings ADD COLUMN occurred_on TEXT;

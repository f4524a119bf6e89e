-- A kind of case with nothing of its own, so that the case kernel's tables are made by the
-- kernel's migration alone.
CREATE TABLE applications (id BIGSERIAL PRIMARY KEY);

-- The complainant's name as the case complained about records it (the population register's, at
-- that case's filing), which the complaint shows and its notices address; a complaint registered
-- before, or whose case has not answered yet, has none.
ALTER TABLE applications ADD COLUMN complainant_name TEXT;

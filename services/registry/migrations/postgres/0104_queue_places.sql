-- Queue places stored, not counted on every read (a place at 500,000 cost 500,000 index
-- entries a read): each active entry keeps its place, kept by the store on every insertion
-- (those behind move down one) and removal (those behind move up one). Filled here from the
-- order the lists already have: acceptance time, then application id.
ALTER TABLE queue_entries ADD COLUMN place BIGINT;
UPDATE queue_entries SET place = ranked.place
FROM (SELECT application_id,
             ROW_NUMBER() OVER (PARTITION BY settlement_kato, list_category ORDER BY accepted_at, application_id) AS place
      FROM queue_entries WHERE removed_at IS NULL) AS ranked
WHERE ranked.application_id = queue_entries.application_id;
CREATE INDEX queue_place ON queue_entries (settlement_kato, list_category, place) WHERE removed_at IS NULL;
-- A person's entry on one list is found by the person, not by scanning the list: with the
-- list's place index beside it, SQLite's planner would otherwise pick the list's.
DROP INDEX queue_person;
CREATE INDEX queue_person ON queue_entries (person_iin, settlement_kato, list_category) WHERE removed_at IS NULL;

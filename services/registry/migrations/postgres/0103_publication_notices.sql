-- RR cl. 2: each notice of a changed standard, by its outbox message; whether it left by the
-- day due is judged when that day ends (NULL: not yet; 0: in time; 1: late).
CREATE TABLE publication_notices (
    publication_id BIGINT NOT NULL REFERENCES standard_publications (id),
    recipient      TEXT NOT NULL,
    message_id     TEXT NOT NULL,
    late           BIGINT,
    PRIMARY KEY (publication_id, recipient)
);

-- The case a filing opened, for the reads a service made under the filing's request name before
-- the case existed: the processing log shows them under the case (AuditService.LinkCase).
CREATE TABLE case_links (
    client    TEXT NOT NULL,
    filed_as  TEXT NOT NULL,
    case_name TEXT NOT NULL,
    PRIMARY KEY (client, filed_as)
) STRICT;

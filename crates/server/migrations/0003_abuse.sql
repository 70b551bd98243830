-- Failed status lookups, counted in the database so that every server instance on it shares
-- the lockouts: `scope` is `ticket` (the normalised ticket typed) or `client` (the client
-- address, IPv6 by /64). Rows older than the hour the limits look at are purged.
CREATE TABLE lookup_failures (
    scope   TEXT NOT NULL,
    subject TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX lookup_failures_subject ON lookup_failures (scope, subject, at);
CREATE INDEX lookup_failures_at ON lookup_failures (at);

-- The complaint an upload was made for: the complaint's Idempotency-Key, sent with the upload
-- as `Complaint-Key`. NULL: any complaint may claim it (clients that do not send the header).
ALTER TABLE attachments ADD COLUMN for_key TEXT;

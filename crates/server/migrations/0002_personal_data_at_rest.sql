-- Personal data at rest (UU 27/2022): the complaint's personal content is sealed by the server
-- (src/crypto.rs) into `personal`; the participant's lookup matches a keyed hash instead of the
-- phone's last 4 digits; retention and erasure need `resolved_at` and `erased_at`; erasures are
-- recorded in `audit_events`. The plain columns stay plain for queues and reports.
--
-- SQL cannot encrypt, so the plain text of complaints stored before this migration moves to
-- `unsealed_complaints`, which the server seals and empties at its next start (Store::reseal).

CREATE TABLE complaints_sealed (
    ticket          TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    category        TEXT NOT NULL,
    urgency         TEXT NOT NULL,
    reply_channel   TEXT NOT NULL,
    status          TEXT NOT NULL,
    received_at     BIGINT NOT NULL,
    response_due_at BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    -- Set when the status becomes `resolved`, cleared if it is reopened.
    resolved_at     BIGINT,
    -- Set when the personal data was erased (retention or an erasure request).
    erased_at       BIGINT,
    -- The normalised complaint (reporter, guide trail, description…) as JSON, sealed; NULL once erased.
    personal        BYTEA,
    -- The id of the data key that sealed `personal` and made `lookup_hash`.
    key_id          TEXT,
    -- HMAC-SHA256 of the ticket and the phone's last 4 digits, for the status lookup.
    lookup_hash     TEXT
);
INSERT INTO complaints_sealed (ticket, idempotency_key, category, urgency, reply_channel, status, received_at, response_due_at, updated_at, resolved_at)
    SELECT ticket, idempotency_key, category, urgency, reply_channel, status, received_at, response_due_at, updated_at,
           CASE WHEN status = 'resolved' THEN updated_at END
    FROM complaints;

CREATE TABLE unsealed_complaints (
    ticket      TEXT PRIMARY KEY,
    payload     TEXT NOT NULL,
    phone_last4 TEXT NOT NULL
);
INSERT INTO unsealed_complaints (ticket, payload, phone_last4) SELECT ticket, payload, phone_last4 FROM complaints;

DROP TABLE complaints;
ALTER TABLE complaints_sealed RENAME TO complaints;
CREATE INDEX complaints_status_received ON complaints (status, received_at);
CREATE INDEX complaints_resolved ON complaints (resolved_at);
CREATE INDEX complaints_key ON complaints (key_id);

-- `data` is sealed from now on; NULL key_id: plain, from before this migration.
ALTER TABLE attachments ADD COLUMN key_id TEXT;
CREATE INDEX attachments_key ON attachments (key_id);

-- Append-only: who did what to which complaint, from where; never a copy of personal data.
CREATE TABLE audit_events (
    id        TEXT PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    ticket    TEXT,
    client_ip TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_ticket ON audit_events (ticket);

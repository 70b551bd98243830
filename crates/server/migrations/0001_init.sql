-- One schema for SQLite and PostgreSQL: TEXT, BIGINT and BYTEA only (SQLite stores BYTEA values
-- as blobs), times as Unix seconds.

CREATE TABLE complaints (
    ticket          TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    category        TEXT NOT NULL,
    urgency         TEXT NOT NULL,
    reply_channel   TEXT NOT NULL,
    status          TEXT NOT NULL,
    phone_last4     TEXT NOT NULL,
    received_at     BIGINT NOT NULL,
    response_due_at BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    -- The normalised complaint (reporter, guide trail, description…) as JSON.
    payload         TEXT NOT NULL
);
CREATE INDEX complaints_status_received ON complaints (status, received_at);

-- Idempotency-Key records, kept 8 days: the fingerprint of the body and the 201 answer to replay.
CREATE TABLE idempotency_keys (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,
    ticket          TEXT NOT NULL,
    response        TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE attachments (
    id               TEXT PRIMARY KEY,
    content_type     TEXT NOT NULL,
    data             BYTEA NOT NULL,
    bytes            BIGINT NOT NULL,
    width            BIGINT NOT NULL,
    height           BIGINT NOT NULL,
    complaint_ticket TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (complaint_ticket);

CREATE TABLE disruptions (
    id         TEXT PRIMARY KEY,
    family     TEXT NOT NULL,
    title_id   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    message_id TEXT NOT NULL,
    message_en TEXT NOT NULL,
    since      BIGINT NOT NULL,
    ended_at   BIGINT
);

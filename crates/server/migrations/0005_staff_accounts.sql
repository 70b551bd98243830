-- Named staff accounts (issue 12), replacing the one shared STAFF_TOKEN step by step: who works
-- complaints, in which role (`agent`, `supervisor`, `admin`) and unit (agents: `it`,
-- `back_office`, `digital`, `branch`…; checked by the server, src/accounts.rs), and how they
-- prove it. `username` is stored normalised (lower case). `password_hash` is an argon2id PHC
-- string, never the password. `failed_logins` and `locked_until` are the lockout after repeated
-- failed logins; `disabled_at` set means the account may not sign in. Times are Unix seconds.
CREATE TABLE staff_accounts (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    unit          TEXT,
    password_hash TEXT NOT NULL,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT,
    disabled_at   BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- Signed-in staff (the login of the next slice): only a SHA-256 of the session token is kept,
-- so a copy of the database does not sign anyone in.
CREATE TABLE staff_sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES staff_accounts (id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX staff_sessions_account ON staff_sessions (account_id);
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);

-- A change to a staff account names the account (its id, not its username) in the audit trail.
ALTER TABLE audit_events ADD COLUMN staff_account TEXT;
CREATE INDEX audit_events_staff_account ON audit_events (staff_account);

-- Email verification state.
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;

-- One-time tokens (email verification, password reset, email change). Only
-- a SHA-256 of each token is stored; consuming one deletes it.
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    -- The new address, for an email change.
    payload TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX tokens_by_user ON tokens (user_id, kind);

-- Outgoing mail, persisted so a crash or an SMTP outage loses nothing. The
-- body is erased once the message is delivered.
CREATE TABLE mail_queue (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
) STRICT;
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at) WHERE sent_at IS NULL;

-- Recent password-reset requests per address (a hash of it), for throttling.
CREATE TABLE reset_requests (
    address_hash TEXT NOT NULL,
    requested_at INTEGER NOT NULL
) STRICT;
CREATE INDEX reset_requests_by_address ON reset_requests (address_hash, requested_at);

-- Accounts. `email` is the canonical form (trimmed, NFKC, lower case); the
-- UNIQUE constraint, not a check-then-insert, decides duplicate signups.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    -- Random; replaced whenever the password changes, which ends every
    -- session that recorded the old value.
    security_stamp TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_sign_in_at INTEGER,
    previous_sign_in_at INTEGER
) STRICT;

-- Server-side sessions. The key is a SHA-256 of the cookie's session id, so a
-- copy of this table does not hold usable session ids.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    data BLOB NOT NULL,
    started_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Why a signed-in session ended, kept for a while so the next request from
-- that browser can say so ("Your session has expired").
CREATE TABLE session_ends (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER,
    reason TEXT NOT NULL,
    ended_at INTEGER NOT NULL
) STRICT;
CREATE INDEX session_ends_by_time ON session_ends (ended_at);

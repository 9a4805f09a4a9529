-- Failed logins per address (a SHA-256 of the canonical email, whether or
-- not an account uses it, so a throttle never reveals which accounts exist).
CREATE TABLE login_throttle (
    address_hash TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    next_allowed_at INTEGER NOT NULL
) STRICT;

-- The security log: every authentication event, for the owner to read and
-- for incident response. Never a password, token or full session id.
CREATE TABLE auth_events (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    user_id INTEGER,
    client TEXT,
    user_agent TEXT,
    -- The first 8 hex digits of the session's stored key.
    session_ref TEXT,
    detail TEXT
) STRICT;
CREATE INDEX auth_events_by_user ON auth_events (user_id, at);
CREATE INDEX auth_events_by_time ON auth_events (at);

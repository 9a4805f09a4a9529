-- What the "your devices" page shows about each session: where and with what
-- it signed in, and whether it is remembered across browser restarts.
ALTER TABLE sessions ADD COLUMN client TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN remembered INTEGER NOT NULL DEFAULT 0;

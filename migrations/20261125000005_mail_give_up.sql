-- A message that failed every attempt for about a day is given up on (its
-- body, which may hold a live link, erased), instead of being retried forever.
ALTER TABLE mail_queue ADD COLUMN abandoned_at INTEGER;

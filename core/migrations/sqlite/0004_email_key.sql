-- leancore 0004: one account per address whatever its case (SQLite and D1). `email` keeps the address as the
-- user typed it; `email_key` (core.emails.email_key: case-folded, compatibility forms folded) is what must be
-- unique and what logins look up.
-- Existing rows are keyed here by lower(email), which is the key for ASCII addresses. Rows whose keys collide
-- (`alice@` and `Alice@` from before this migration) are never merged or deleted: the oldest keeps the key, the
-- others keep a NULL key (a UNIQUE index allows many NULLs) and are reported by core.initialization and
-- /system/status until an admin gives them a distinct address. Non-ASCII addresses are re-keyed by
-- core.initialization (SQL's lower() does not case-fold Unicode).

ALTER TABLE users ADD COLUMN email_key TEXT;

UPDATE users SET email_key = lower(email)
WHERE id IN (SELECT MIN(id) FROM users GROUP BY lower(email));

CREATE UNIQUE INDEX users_by_email_key ON users (email_key);

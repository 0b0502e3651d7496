-- leancore 0003: a per-user token version (SQLite and D1). Access tokens carry it inside their `cred` stamp, so
-- raising it by one ends every token the user holds at once: deactivation does, and so can a "log out
-- everywhere". Existing rows start at 0; ALTER TABLE ... ADD COLUMN with a constant default rewrites nothing.

ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;

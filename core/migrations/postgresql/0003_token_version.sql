-- leancore 0003: a per-user token version (PostgreSQL). Same column as sqlite/0003_token_version.sql; see there.

ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;

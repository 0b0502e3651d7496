-- leancore 0001: users and site settings (SQLite and Cloudflare D1).
-- Applied either by `wrangler d1 migrations apply` or by core.initialization; both record the file name in
-- d1_migrations. No BEGIN/COMMIT here: D1 refuses them, and each applier wraps the file in its own transaction.
-- Timestamps are ISO-8601 UTC text; booleans are 0/1.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- stored as core.emails normalises it, so UNIQUE means "one account per address"
    email TEXT NOT NULL UNIQUE,
    hashed_password TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    is_superuser INTEGER NOT NULL DEFAULT 0 CHECK (is_superuser IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE site_settings (
    key TEXT PRIMARY KEY,
    -- a JSON document, encoded by the application
    value TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

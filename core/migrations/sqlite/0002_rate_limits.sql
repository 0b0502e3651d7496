-- leancore 0002: fixed-window counters for login throttling and the init endpoint's rate limit (SQLite and D1).
-- State lives in the database so that limits hold across uvicorn workers and Workers isolates. One row per key
-- (e.g. `login:<client>:<email>`, `init:<client>`); each hit is one atomic UPSERT ... RETURNING (SQLite >= 3.35,
-- D1). Rows whose window has ended are pruned by the api (DELETE ... WHERE expires_at < now).

CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    -- the window's start and end in Unix seconds; a hit after expires_at starts a new window
    window_start INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    hits INTEGER NOT NULL
);

CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);

-- leancore 0002: fixed-window counters for login throttling and the init endpoint's rate limit (PostgreSQL).
-- Same table as sqlite/0002_rate_limits.sql; see there. Unix seconds in BIGINT so every dialect binds the same ints.

CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    hits INTEGER NOT NULL
);

CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);

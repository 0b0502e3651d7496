"""Fixed-window rate limits whose state lives in the database (table ``rate_limits``, migration 0002).

A per-process counter would let each uvicorn worker and each Workers isolate grant its own allowance; a row in the
shared database does not. Each hit is ONE atomic statement (``INSERT ... ON CONFLICT (key) DO UPDATE ...
RETURNING``, on SQLite >= 3.35, PostgreSQL and D1), so two processes hitting the same key at once both count.
Expired rows are deleted at most once a minute per process.

Policy (the numbers are a judgement, stated here once): login allows 5 attempts per client+email per 5 minutes —
enough for typos, far too few for guessing (OWASP Authentication Cheat Sheet: throttle per account);
a successful login clears its key. ``/system/initialize-database`` allows 10 calls per client per minute.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.db import Database

_HIT = (
    "INSERT INTO rate_limits (key, window_start, expires_at, hits) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (key) DO UPDATE SET "
    # Every SET expression sees the old row: a hit in a new window restarts the count at 1.
    "hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + 1 ELSE 1 END, "
    "window_start = excluded.window_start, expires_at = excluded.expires_at "
    "RETURNING hits, expires_at"
)
PRUNE_INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` hits per ``window_seconds`` for one key."""

    attempts: int
    window_seconds: int


LOGIN_LIMIT = Limit(attempts=5, window_seconds=300)
INIT_LIMIT = Limit(attempts=10, window_seconds=60)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    hits: int
    retry_after: int  # whole seconds until the window ends (for the Retry-After header)


class RateLimiter:
    """Counts hits per key in the database; ``clock`` returns Unix seconds (injectable for tests)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._last_prune = -math.inf

    async def hit(self, db: Database, key: str, limit: Limit) -> Verdict:
        """Record one hit on ``key`` and say whether it is within ``limit``."""
        now = self.clock()
        window_start = int(now // limit.window_seconds) * limit.window_seconds
        expires_at = window_start + limit.window_seconds
        row = await db.fetch_one(_HIT, (key, window_start, expires_at))
        hits = int(row["hits"]) if row else 1
        if now - self._last_prune >= PRUNE_INTERVAL_SECONDS:
            self._last_prune = now
            await db.execute("DELETE FROM rate_limits WHERE expires_at < ?", (int(now),))
        return Verdict(hits <= limit.attempts, hits, max(1, math.ceil(expires_at - now)))

    async def clear(self, db: Database, key: str) -> None:
        """Forget ``key`` (a successful login resets its failure count)."""
        await db.execute("DELETE FROM rate_limits WHERE key = ?", (key,))

"""api.throttle: database-backed fixed windows (atomic hits, window rollover, pruning) and the login throttle."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.throttle import LOGIN_LIMIT, Limit, RateLimiter

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_login_is_throttled_after_five_failures_per_client_and_email(session: Any) -> None:
    """The 6th attempt within 5 minutes gets 429 with Retry-After, even with the right password."""
    for _ in range(LOGIN_LIMIT.attempts):
        assert (await session.login(password="wrong")).status_code == 401
    response = await session.login()
    assert (response.status_code, response.json()["code"]) == (429, "too_many_attempts")
    assert 1 <= int(response.headers["retry-after"]) <= LOGIN_LIMIT.window_seconds
    assert (await session.login("other@example.com", "x")).status_code == 401  # another email: own counter


async def test_success_clears_the_failure_count(session: Any) -> None:
    """Four failures, a success, then five more failures are allowed before the throttle."""
    for _ in range(4):
        await session.login(password="wrong")
    assert (await session.login()).status_code == 200
    for _ in range(5):
        assert (await session.login(password="wrong")).status_code == 401


async def test_window_rollover_and_pruning(app: FastAPI) -> None:
    """A new window restarts the count at 1, and rows of ended windows are deleted."""
    db = await app.state.leancore.database()
    clock = Clock(1_000_000.0)
    limiter = RateLimiter(clock)
    limit = Limit(attempts=2, window_seconds=10)
    assert [(await limiter.hit(db, "k", limit)).allowed for _ in range(3)] == [True, True, False]
    assert (await limiter.hit(db, "k", limit)).retry_after == 10
    clock.now += 10
    verdict = await limiter.hit(db, "k", limit)
    assert (verdict.allowed, verdict.hits) == (True, 1)
    await limiter.hit(db, "old", limit)
    clock.now += 100
    await limiter.hit(db, "new", limit)
    assert [r["key"] for r in await db.fetch_all("SELECT key FROM rate_limits ORDER BY key")] == ["new"]


async def test_concurrent_hits_are_all_counted(app: FastAPI) -> None:
    """Twenty simultaneous hits on one key count to exactly twenty (one atomic UPSERT each)."""
    db = await app.state.leancore.database()
    limiter = RateLimiter()
    verdicts = await asyncio.gather(*(limiter.hit(db, "burst", Limit(5, 60)) for _ in range(20)))
    assert sorted(v.hits for v in verdicts) == list(range(1, 21))
    assert sum(v.allowed for v in verdicts) == 5


async def test_the_throttle_is_shared_by_two_apps_on_one_database(app: FastAPI, settings: Any) -> None:
    """Two app instances (two processes' worth of state) over one database share the login counter."""
    from api import create_app

    other = create_app(settings)
    transports = [httpx.ASGITransport(app=a) for a in (app, other)]
    clients = [httpx.AsyncClient(transport=t, base_url="http://t") for t in transports]
    form = {"username": "admin@example.com", "password": "wrong"}
    codes = [(await clients[i % 2].post("/auth/login", data=form)).status_code for i in range(7)]
    assert codes == [401] * 5 + [429] * 2
    for c in clients:
        await c.aclose()
    await other.state.leancore.close()

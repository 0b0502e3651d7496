"""api.hashing: the bounded hashing queue admits work up to its estimated drain time, measures its cost per hash,
frees the slot of a cancelled hash, and a full queue answers 503 with Retry-After at once."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from fastapi import FastAPI

from api.errors import ApiError
from api.hashing import HashQueue

pytestmark = pytest.mark.anyio
ADMIN = "admin@example.com"  # the deployment of tests/api/conftest.py


class Ticks:
    """A clock that returns the given readings in turn (thread-safe enough: one reader at a time here)."""

    def __init__(self, *readings: float) -> None:
        self.readings = list(readings)

    def __call__(self) -> float:
        return self.readings.pop(0)


def test_capacity_is_the_running_hashes_plus_what_the_wait_allows() -> None:
    """Two threads, 0.5 s a hash, 10 s of queueing: 2 running + 40 waiting; with no wait, the running ones only."""
    assert HashQueue(workers=2, max_wait_seconds=10, prior_seconds=0.5).capacity == 42
    assert HashQueue(workers=2, max_wait_seconds=0, prior_seconds=0.5).capacity == 2
    assert HashQueue(workers=1, max_wait_seconds=1, prior_seconds=3).capacity == 1


def test_admission_stops_at_capacity_and_retry_after_is_the_drain_time() -> None:
    """Past capacity admit() refuses; Retry-After is the pending work over the threads, rounded up, at least 1."""
    queue = HashQueue(workers=1, max_wait_seconds=2, prior_seconds=0.5)
    assert [queue.admit() for _ in range(6)] == [True] * 5 + [False]
    assert (queue.pending, queue.retry_after()) == (5, 3)
    assert HashQueue(workers=4, max_wait_seconds=0, prior_seconds=0.01).retry_after() == 1


async def test_the_cost_estimate_follows_measured_hashes() -> None:
    """Each finished hash moves the estimate a quarter of the way to its measured time, and the capacity with it."""
    queue = HashQueue(workers=1, max_wait_seconds=10, prior_seconds=1.0, clock=Ticks(0.0, 3.0, 10.0, 10.5))
    assert await queue.run(pow, 2, 10) == 1024
    assert (queue.cost, queue.pending, queue.capacity) == (1.5, 0, 7)
    await queue.run(str, 1)
    assert queue.cost == 1.25
    queue.close()


async def test_a_full_queue_answers_503_with_retry_after_without_running_the_hash() -> None:
    """When the queue is full the call raises a 503 ApiError (code busy, Retry-After) and fn never runs."""
    queue = HashQueue(workers=1, max_wait_seconds=0, prior_seconds=2.0)
    assert queue.admit()
    calls: list[int] = []
    with pytest.raises(ApiError) as info:
        await queue.run(calls.append, 1)
    assert (info.value.status_code, info.value.code, info.value.headers) == (503, "busy", {"Retry-After": "2"})
    assert calls == []


async def test_a_cancelled_waiting_hash_gives_its_place_back() -> None:
    """A hash cancelled while it waits behind a running one (its client went away) is no longer pending."""
    queue = HashQueue(workers=1, max_wait_seconds=60, prior_seconds=1.0)
    started, release = threading.Event(), threading.Event()

    def block() -> None:
        started.set()
        release.wait(10)

    running = asyncio.ensure_future(queue.run(block))
    await asyncio.to_thread(started.wait, 10)
    waiting = asyncio.ensure_future(queue.run(pow, 2, 2))
    await asyncio.sleep(0)
    assert queue.pending == 2
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.sleep(0)  # the cancellation reaches the pool's future in a callback of the awaited one
    assert queue.pending == 1
    release.set()
    await running
    assert queue.pending == 0
    queue.close()


async def test_login_answers_503_with_retry_after_while_the_queue_is_full(app: FastAPI, session: Any) -> None:
    """A login that finds the hashing queue full gets 503 ``busy`` with Retry-After and its client+account hit back
    (no password was checked), not its client hit; once the queue drains, 200."""
    context = app.state.leancore
    assert (await session.login()).status_code == 200  # the queue exists now, with a measured cost
    queue = context._hash_queue
    queue.max_wait_seconds = 0
    for _ in range(queue.workers):
        assert queue.admit()
    response = await session.login(password="wrong")
    assert (response.status_code, response.json()["code"]) == (503, "busy")
    assert int(response.headers["retry-after"]) >= 1
    db = await context.database()
    counts = {r["key"]: r["hits"] for r in await db.fetch_all("SELECT key, hits FROM rate_limits")}
    assert counts[f"login:127.0.0.1:{ADMIN}"] == 0  # given back: nothing was checked
    assert counts["login-client:127.0.0.1"] == 1  # kept: a flooding address spends its allowance
    assert context.events.counters["hashing_busy"] == 1
    queue.pending = 0
    assert (await session.login()).status_code == 200

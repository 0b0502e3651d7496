"""The bounded password-hashing queue (CPython): hashes run in a small thread pool, and a hash that would wait
longer than ``HASH_QUEUE_SECONDS`` behind the ones already queued is refused at once (503 with ``Retry-After``)
instead of joining a queue without bound.

Why: every login costs a full password hash (600,000 PBKDF2 rounds: 0.29-0.38 s on a loaded 2-core machine,
CPython 3.11), and the pool has one thread fewer than the machine has cores. Without a bound, a flood of logins
from many addresses (each within its rate limits) queues minutes of hashing, and a legitimate login waits behind
all of it; with one, the flood gets fast 503s and the queue stays short enough to answer.

The bound is work, not a count: ``capacity = workers + floor(HASH_QUEUE_SECONDS * workers / cost)`` hashes
running or waiting, where ``cost`` is the measured wall time of one hash in the pool (an exponentially weighted
mean, the newest hash weighing 1/4), starting from an estimate of ``rounds * 0.5 µs`` until the first hash has
finished (hashlib's PBKDF2-HMAC-SHA256 measured 0.23-0.63 µs a round here, CPython 3.11, idle to loaded). A refused
caller is told to retry after the queued work's estimated drain time.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable
from typing import Any

# Upper end of hashlib.pbkdf2_hmac("sha256") per round on these 2-core machines under load (CPython 3.11); the
# estimate only stands until the first hash is measured.
PRIOR_SECONDS_PER_ROUND = 0.5e-6
NEWEST_WEIGHT = 0.25


class HashQueue:
    """A thread pool for hasher calls that refuses work past ``max_wait_seconds`` of estimated queueing."""

    def __init__(self, workers: int, max_wait_seconds: float, prior_seconds: float,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.workers = workers
        self.clock = clock  # seconds, for timing hashes (injectable for tests)
        self.max_wait_seconds = max_wait_seconds
        self.cost = prior_seconds  # estimated seconds per hash, measured as hashes finish
        self.pending = 0  # hashes admitted and not finished (running or waiting)
        self._lock = threading.Lock()
        self._pool: Any = None  # a ThreadPoolExecutor, created on the first hash (never at build time)

    @property
    def capacity(self) -> int:
        """How many hashes may be running or waiting at once at the current cost estimate."""
        return self.workers + math.floor(self.max_wait_seconds * self.workers / max(self.cost, 1e-9))

    def retry_after(self) -> int:
        """Whole seconds until the admitted work should have drained (at least 1)."""
        return max(1, math.ceil(self.pending * self.cost / self.workers))

    def admit(self) -> bool:
        """Count one more pending hash if there is room; False when the queue is full."""
        with self._lock:
            if self.pending >= self.capacity:
                return False
            self.pending += 1
            return True

    def _finished(self, seconds: float | None) -> None:
        with self._lock:
            self.pending -= 1
            if seconds is not None:
                self.cost += NEWEST_WEIGHT * (seconds - self.cost)

    def _timed(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        start = self.clock()
        try:
            return fn(*args)
        finally:
            self._finished(self.clock() - start)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in the pool; a 503 ``ApiError`` with ``Retry-After`` at once when the queue is full."""
        if not self.admit():
            from api.errors import ApiError

            raise ApiError(503, "busy", "too many password checks are queued; try again shortly",
                           {"Retry-After": str(self.retry_after())})
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="leancore-hash")
        future = self._pool.submit(self._timed, fn, args)
        # Cancelled before it ran (the client went away): nothing was timed, but it is no longer pending.
        future.add_done_callback(lambda f: self._finished(None) if f.cancelled() else None)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None

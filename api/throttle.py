"""Rate limits whose state lives in the database (table ``rate_limits``, migration 0002): fixed windows and
exponential backoff.

A per-process counter would let each uvicorn worker and each Workers isolate grant its own allowance; a row in the
shared database does not. Each hit is ONE atomic statement (``INSERT ... ON CONFLICT (key) DO UPDATE ...
RETURNING``, on SQLite >= 3.35, PostgreSQL and D1), so two processes hitting the same key at once both count.
Expired rows are deleted at most once a minute per process.

Policy (the numbers are a judgement, stated here once). A login attempt counts, before any hashing, against three
limits in this order; the first that refuses answers 429 with ``Retry-After``:

- **per client + account**: 5 attempts per 5 minutes, enough for typos, far too few for guessing (OWASP
  Authentication Cheat Sheet: throttle per account); a successful login clears it.
- **per client, any account**: 20 attempts per 5 minutes, so one address cannot spray guesses over many accounts
  (each attempt costs a full password hash); a successful login refunds its attempt, so a busy shared address (an
  office behind one NAT) is limited on its failures only. An attempt the full hashing queue refused (503,
  api/hashing.py) is not refunded here, only on the client + account limit: a few addresses flooding the queue
  spend their allowance and get 429s, which leaves the queue to everyone else.
- **per account, any address**: 10 free attempts, then exponential backoff: after the n-th attempt (n >= 10) the
  next one waits 2^(n-10) s, never more than 5 minutes. An attempt refused here is not counted and does not extend
  the wait; the streak is forgotten an hour after its last counted attempt, and a successful login clears it.
  **Lockout bound**: whatever an attacker sends, from any number of addresses, the account accepts a new attempt
  at most 5 minutes (``LOGIN_ACCOUNT_BACKOFF.max_seconds``) after the last counted one. So it is open again within
  5 minutes of the attacker's last attempt, and even during a sustained attack it takes an attempt every 5
  minutes: the attacker gets at most 12 guesses an hour per account over all addresses, and the user a
  ``Retry-After`` of at most 300 s.

``POST /auth/register``: 10 sign-ups per client per hour (each costs a password hash). ``POST
/auth/password-reset``: 10 requests per client per 15 minutes (429), and at most 3 links per account per 15 minutes:
past that the answer is the same 202 but no link is sent, so nobody can flood an inbox and the answer still does
not tell whether the account exists.

``/system/initialize-database``: 10 calls per client per minute, and 30 per minute from all clients together, so
rotating addresses cannot run initialisation (database work, maybe a password hash) faster than that. An attacker
can hold the endpoint closed until the end of the current minute, no longer.

Clients are what ``api.clients.client_id`` names (the socket peer, a trusted proxy's ``X-Forwarded-For`` when
``FORWARDED_ALLOW_IPS`` allows it, ``cf-connecting-ip`` on Workers). An IPv6 client is keyed by its /64 network: a
host is normally given a whole /64, whose 2^64 addresses would otherwise be as many clients. Accounts are keyed by
the address key (api/accounts.py), so changing the case of an address does not open a new counter.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api import _core

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
_REFUND = "UPDATE rate_limits SET hits = hits - 1 WHERE key = ? AND window_start = ? AND hits > 0"
_ROW = "SELECT window_start, expires_at, hits FROM rate_limits WHERE key = ?"
PRUNE_INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` hits per ``window_seconds`` for one key (a fixed window)."""

    attempts: int
    window_seconds: int


@dataclass(frozen=True)
class Backoff:
    """``free`` hits, then after the n-th hit the next waits ``base_seconds * 2**(n - free)``, at most
    ``max_seconds``; the streak ends ``reset_seconds`` after its last counted hit."""

    free: int
    base_seconds: int
    max_seconds: int
    reset_seconds: int

    def wait(self, hits: int) -> int:
        """Seconds the next hit must wait after the ``hits``-th counted one."""
        if hits < self.free:
            return 0
        return min(self.max_seconds, self.base_seconds << min(hits - self.free, 62))

    def wait_sql(self, column: str) -> str:
        """:meth:`wait` of ``column`` as a SQL expression every dialect reads (constants only, no binds)."""
        cases, n = [f"WHEN {column} < {self.free} THEN 0"], self.free
        while self.wait(n) < self.max_seconds and n < self.free + 62:
            cases.append(f"WHEN {column} = {n} THEN {self.wait(n)}")
            n += 1
        return f"(CASE {' '.join(cases)} ELSE {self.max_seconds} END)"


def _back_off_sql(backoff: Backoff) -> str:
    # The inserted row is the hit as it would stand if counted; the WHERE lets the update through only when the
    # old streak has expired or its wait is over (a skipped update returns no row, on every dialect). The wait
    # expression holds the policy's integer constants only.
    wait = backoff.wait_sql("rate_limits.hits")
    return ("INSERT INTO rate_limits (key, window_start, expires_at, hits) VALUES (?, ?, ?, 1) "  # noqa: S608
            "ON CONFLICT (key) DO UPDATE SET "
            "hits = CASE WHEN rate_limits.expires_at <= excluded.window_start THEN 1 ELSE rate_limits.hits + 1 END, "
            "window_start = excluded.window_start, expires_at = excluded.expires_at "
            "WHERE rate_limits.expires_at <= excluded.window_start "
            f"OR rate_limits.window_start + {wait} <= excluded.window_start RETURNING hits")


LOGIN_LIMIT = Limit(attempts=5, window_seconds=300)
LOGIN_CLIENT_LIMIT = Limit(attempts=20, window_seconds=300)
LOGIN_ACCOUNT_BACKOFF = Backoff(free=10, base_seconds=1, max_seconds=300, reset_seconds=3600)
INIT_LIMIT = Limit(attempts=10, window_seconds=60)
INIT_GLOBAL_LIMIT = Limit(attempts=30, window_seconds=60)
REGISTER_LIMIT = Limit(attempts=10, window_seconds=3600)
RESET_CLIENT_LIMIT = Limit(attempts=10, window_seconds=900)
RESET_ACCOUNT_LIMIT = Limit(attempts=3, window_seconds=900)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    hits: int
    retry_after: int  # whole seconds until the window ends (for the Retry-After header)
    window_start: int = 0  # the fixed window the hit counted in (for a refund)


@dataclass(frozen=True)
class Refusal:
    """The limit that refused an attempt: its scope (for the security log) and verdict."""

    scope: str
    verdict: Verdict


def client_key(client: str) -> str:
    """The throttle key part for a client: an IPv6 address as its /64 network (an IPv4-mapped one as its IPv4
    address), anything else as given (at most 64 characters)."""
    if ":" not in client:
        return client[:64]
    # Imported here: ipaddress is ~80 kB of source, compiled at every Workers start if imported at module level.
    import ipaddress

    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address.packed[:8] + bytes(8), 64)))
    return str(address)


def account_key(email: str) -> str:
    """The throttle key part for an account: the address key (``core.emails.email_key``: case and compatibility
    forms folded), so another spelling of the address does not open a new counter."""
    return _core.emails.email_key(email)


def login_account_counter(email: str) -> str:
    """The key of an account's login backoff (cleared by a successful login or a completed password reset)."""
    return f"login-account:{account_key(email)}"


class LoginAttempt:
    """One login's three counters, hit before any hashing (:meth:`RateLimiter.login`) and settled after."""

    __slots__ = ("account", "client", "client_verdict", "pair", "pair_verdict", "refusal")

    def __init__(self, client: str, email: str) -> None:
        client, email = client_key(client), account_key(email)
        self.pair = f"login:{client}:{email}"
        self.client = f"login-client:{client}"
        self.account = login_account_counter(email)
        self.refusal: Refusal | None = None
        self.pair_verdict: Verdict | None = None  # the allowed client+account hit, refunded when nothing was checked
        self.client_verdict: Verdict | None = None  # the allowed client hit, refunded by a success


class RateLimiter:
    """Counts hits per key in the database; ``clock`` returns Unix seconds (injectable for tests)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._last_prune = -math.inf

    async def _prune(self, db: Database, now: float) -> None:
        if now - self._last_prune >= PRUNE_INTERVAL_SECONDS:
            self._last_prune = now
            await db.execute("DELETE FROM rate_limits WHERE expires_at < ?", (int(now),))

    async def hit(self, db: Database, key: str, limit: Limit) -> Verdict:
        """Record one hit on ``key`` and say whether it is within ``limit``."""
        now = self.clock()
        window_start = int(now // limit.window_seconds) * limit.window_seconds
        expires_at = window_start + limit.window_seconds
        row = await db.fetch_one(_HIT, (key, window_start, expires_at))
        hits = int(row["hits"]) if row else 1
        await self._prune(db, now)
        return Verdict(hits <= limit.attempts, hits, max(1, math.ceil(expires_at - now)), window_start)

    async def refund(self, db: Database, key: str, verdict: Verdict) -> None:
        """Take back one allowed hit of ``verdict``'s window (nothing if that window has ended)."""
        await db.execute(_REFUND, (key, verdict.window_start))

    async def back_off(self, db: Database, key: str, backoff: Backoff) -> Verdict:
        """Record one hit on ``key`` if ``backoff`` lets it through now; a refused hit changes nothing.

        The row holds the streak: ``hits`` counted so far, ``window_start`` the time of the last counted one,
        ``expires_at`` when the streak is forgotten. One conditional UPSERT decides and counts at once: its
        ``WHERE`` skips the update (and so returns no row) while the wait since the last hit is not over.
        """
        now = int(self.clock())
        row = await db.fetch_one(_back_off_sql(backoff), (key, now, now + backoff.reset_seconds))
        await self._prune(db, now)
        if row is not None:
            return Verdict(True, int(row["hits"]), 1)
        streak = await db.fetch_one(_ROW, (key,))
        if streak is None:  # pruned in between: the next attempt starts afresh
            return Verdict(False, 0, 1)
        hits = int(streak["hits"])
        return Verdict(False, hits, max(1, int(streak["window_start"]) + backoff.wait(hits) - now))

    async def clear(self, db: Database, key: str) -> None:
        """Forget ``key`` (a successful login resets its failure count)."""
        await db.execute("DELETE FROM rate_limits WHERE key = ?", (key,))

    async def first_refusal(self, db: Database, checks: list[tuple[str, str, Limit]]) -> Refusal | None:
        """Hit each ``(scope, key, limit)`` in order; the first refusal, or None when all allow."""
        for scope, key, limit in checks:
            verdict = await self.hit(db, key, limit)
            if not verdict.allowed:
                return Refusal(scope, verdict)
        return None

    async def login(self, db: Database, client: str, email: str) -> LoginAttempt:
        """Count a login attempt against the three login limits (module docstring); see ``.refusal``."""
        attempt = LoginAttempt(client, email)
        verdict = await self.hit(db, attempt.pair, LOGIN_LIMIT)
        if not verdict.allowed:
            attempt.refusal = Refusal("client_account", verdict)
            return attempt
        attempt.pair_verdict = verdict
        verdict = await self.hit(db, attempt.client, LOGIN_CLIENT_LIMIT)
        if not verdict.allowed:
            attempt.refusal = Refusal("client", verdict)
            return attempt
        attempt.client_verdict = verdict
        verdict = await self.back_off(db, attempt.account, LOGIN_ACCOUNT_BACKOFF)
        if not verdict.allowed:
            attempt.refusal = Refusal("account", verdict)
        return attempt

    async def login_succeeded(self, db: Database, attempt: LoginAttempt) -> None:
        """A correct password: clear the client+account and account counters, refund the client's attempt."""
        await self.clear(db, attempt.pair)
        await self.clear(db, attempt.account)
        if attempt.client_verdict is not None:
            await self.refund(db, attempt.client, attempt.client_verdict)

    async def login_unchecked(self, db: Database, attempt: LoginAttempt) -> None:
        """The password could not be checked (the hashing queue was full): give back the client+account hit, so a
        user retrying a 503 does not lock themselves out. The client's hit stays: a few addresses flooding the
        queue then spend their allowance and get 429s, which leave the queue to everyone else (a refund kept a
        32-connection flood from 4 addresses on 503s for as long as it ran). The account's backoff keeps its hit
        too: undoing it could reopen a wait a guesser caused."""
        if attempt.pair_verdict is not None:
            await self.refund(db, attempt.pair, attempt.pair_verdict)


async def refuse_over_limit(context: Any, db: Database, client: str, scope: str, limit: Limit, what: str) -> None:
    """Count one hit of ``client`` against ``limit`` for ``scope``; over it: a ``throttled`` event and 429
    ``too_many_attempts`` with ``Retry-After`` (``what`` names the requests in the message)."""
    from api.errors import ApiError

    verdict = await context.limiter.hit(db, f"{scope}:{client_key(client)}", limit)
    if not verdict.allowed:
        context.events.emit("throttled", scope=scope, limit="client", client=client, hits=verdict.hits)
        raise ApiError(429, "too_many_attempts", f"too many {what} from this address; try again later",
                       {"Retry-After": str(verdict.retry_after)})

"""The per-app runtime context: settings, database, password hasher and token codec, all resolved lazily.

``create_app`` runs at deploy time inside the Workers memory snapshot, so nothing here reads the environment,
opens a connection or draws random numbers until the first request (or ``configure``) needs it:
``settings or Settings.from_env()``, ``database or await connect(settings.database_url)``.

The database is opened with the settings' timeouts and pool size, so no call waits without bound; one that times
out raises ``DatabaseUnavailableError`` (503) while the adapter keeps its pool: nothing to discard and reopen.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from api import _core
from api.events import SecurityEvents
from api.site_flags import SiteFlags
from api.throttle import RateLimiter

if TYPE_CHECKING:
    from api.hashing import HashQueue
    from core.db import Database
    from core.jwt import JWT
    from core.passwords import PasswordHasher
    from core.settings import Settings

# Pyodide has no threads: hashing runs inline there (Workers bills CPU per request, not wall time).
ON_PYODIDE = sys.platform == "emscripten"
log = logging.getLogger("leancore.api")


class AppContext:
    """What the routes need, resolved on first use and cached for the life of the app."""

    def __init__(self, settings: Settings | None = None, database: Database | None = None) -> None:
        self._settings = settings
        self._database = database
        self._owns_database = False  # True when we opened it (and so may close or reopen it)
        self._connecting: asyncio.Task[Database] | None = None
        self._hasher: PasswordHasher | None = None
        self._jwt: JWT | None = None
        self._generated_key: str | None = None
        self._hash_queue: HashQueue | None = None  # created on the first hash (never at build time)
        self.events = SecurityEvents()
        self.limiter = RateLimiter()
        self.flags = SiteFlags()
        self.started = time.monotonic()
        # Set once every shipped migration is seen applied (/system/health asks the database until then).
        self.initialized = False

    # -- configuration ---------------------------------------------------------------------------------------

    def configure(self, *, settings: Settings, database: Database) -> None:
        """Install settings and a database (the Worker does this on its first fetch); same objects: a no-op."""
        if settings is self._settings and database is self._database:
            return
        self._settings = settings
        self.check_settings()
        if database is not self._database:
            self._database = database
            self._owns_database = False  # handed to us (a D1 binding's adapter): the caller owns it
        self._hasher = None
        self._jwt = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = _core.settings.Settings.from_env()
        return self._settings

    def check_settings(self) -> None:
        """Refuse, at startup, token settings that would make every token check fail: core raises ``JWTError`` for
        a caller's mistake (a non-string audience, a bad lifetime), which would otherwise surface as a 401 on every
        request. Settings.from_env already guarantees these; a hand-built Settings may not."""
        settings, problems = self.settings, []
        for name in ("token_audience", "token_issuer"):
            value = getattr(settings, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                problems.append(f"{name}: must be a non-empty string or None, got {value!r}")
        for name in ("access_token_minutes", "password_reset_minutes"):
            value = getattr(settings, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 10**9:
                problems.append(f"{name}: must be a positive integer below 10**9, got {value!r}")
        if problems:
            raise _core.settings.SettingsError(problems)

    @property
    def secret_key(self) -> str:
        """``SECRET_KEY``; in development without one, a per-process random key (tokens die with the process)."""
        key = self.settings.secret_key
        if key is not None:
            return key
        if self.settings.is_production:  # Settings.from_env refuses this; a hand-built Settings might not
            raise _core.settings.SettingsError(["SECRET_KEY: required in production"])
        if self._generated_key is None:
            import secrets

            self._generated_key = secrets.token_urlsafe(48)
            log.warning(
                "SECRET_KEY is not set: using a random per-process key. Tokens will not survive a restart and "
                "will not be accepted by other processes. Set SECRET_KEY (32+ bytes) for anything but local use."
            )
        return self._generated_key

    @property
    def hasher(self) -> PasswordHasher:
        if self._hasher is None:
            self._hasher = _core.passwords.PasswordHasher(rounds=self.settings.password_rounds)
        return self._hasher

    @property
    def jwt(self) -> JWT:
        if self._jwt is None:
            # Our own keys are at least 32 bytes in production (Settings); refuse shorter ones outright there.
            # The claims every api token must carry, compiled once with the instance (not per decode).
            self._jwt = _core.jwt.JWT(strict_key_length=self.settings.is_production,
                            options={"require_exp": True, "require_sub": True})
        return self._jwt

    # -- database --------------------------------------------------------------------------------------------

    async def database(self) -> Database:
        """The database, connecting on first use; a failed connect is retried by the next call.

        Concurrent first calls share one connect, run as a task of its own: a caller that gives up (the health
        check's deadline, a client gone) stops waiting without cancelling the connect the others wait for.
        """
        if self._database is not None:
            return self._database
        if self._connecting is None:
            self._connecting = asyncio.get_running_loop().create_task(self._connect())
            self._connecting.add_done_callback(self._connected)
        return await asyncio.shield(self._connecting)

    @property
    def open_database(self) -> Database | None:
        """The database if it is open already, else ``None`` (never connects)."""
        return self._database

    async def _connect(self) -> Database:
        settings = self.settings
        self._database = await _core.db.connect(
            settings.database_url, timeout=settings.database_statement_timeout,
            statement_timeout=settings.database_statement_timeout, call_timeout=settings.database_timeout,
            pool_size=settings.database_pool_size,
        )
        self._owns_database = True
        return self._database

    def _connected(self, task: asyncio.Task[Database]) -> None:
        self._connecting = None  # done either way: a failure is retried by the next call
        if not task.cancelled():
            task.exception()  # retrieved here too: every waiter may have given up before it failed

    async def close(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
        if self._hash_queue is not None:
            self._hash_queue.close()
            self._hash_queue = None
        if self._database is not None and self._owns_database:
            await self._database.close()
            self._database = None

    # -- password hashing (CPU-bound) ------------------------------------------------------------------------

    async def run_hashing(self, fn: Any, *args: Any) -> Any:
        """Run a hasher call off the event loop on CPython (the bounded queue of api/hashing.py: 503 with
        Retry-After when full), inline on Pyodide (no threads).

        The pool has one thread fewer than the machine has cores (at least one): hashlib's PBKDF2 releases the GIL,
        so with a thread per core, 16 concurrent logins starved the event loop of CPU (health p99 73 ms on 2 cores,
        CPython 3.11, with asyncio's default pool; bench/test_api_bench.py). Logins queue instead; everything else
        stays fast.
        """
        if ON_PYODIDE:
            return fn(*args)
        if self._hash_queue is None:
            from api.hashing import PRIOR_SECONDS_PER_ROUND, HashQueue  # here: never needed on Workers

            settings = self.settings
            self._hash_queue = HashQueue(workers=max(1, (os.cpu_count() or 2) - 1),
                                         max_wait_seconds=settings.hash_queue_seconds,
                                         prior_seconds=settings.password_rounds * PRIOR_SECONDS_PER_ROUND)
        return await self._hash_queue.run(fn, *args)

    async def hash_password(self, password: str) -> str:
        result: str = await self.run_hashing(self.hasher.hash, password)
        return result

    async def verify_and_update(self, password: str, hashed: str) -> tuple[bool, str | None]:
        result: tuple[bool, str | None] = await self.run_hashing(self.hasher.verify_and_update, password, hashed)
        return result

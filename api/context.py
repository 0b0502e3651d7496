"""The per-app runtime context: settings, database, password hasher and token codec, all resolved lazily.

``create_app`` runs at deploy time inside the Workers memory snapshot, so nothing here reads the environment,
opens a connection or draws random numbers until the first request (or ``configure``) needs it:
``settings or Settings.from_env()``, ``database or await connect(settings.database_url)``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from api.events import SecurityEvents
from api.throttle import RateLimiter

if TYPE_CHECKING:
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
        self._connect_lock: asyncio.Lock | None = None
        self._hasher: PasswordHasher | None = None
        self._jwt: JWT | None = None
        self._generated_key: str | None = None
        self._hash_pool: Any = None  # a ThreadPoolExecutor, created on the first hash (never at build time)
        self.events = SecurityEvents()
        self.limiter = RateLimiter()
        self.started = time.monotonic()
        # Set once every shipped migration is seen applied (/system/health asks the database until then).
        self.initialized = False

    # -- configuration ---------------------------------------------------------------------------------------

    def configure(self, *, settings: Settings, database: Database) -> None:
        """Install settings and a database (the Worker does this on its first fetch); same objects: a no-op."""
        if settings is self._settings and database is self._database:
            return
        self._settings = settings
        if database is not self._database:
            self._database = database
            self._owns_database = False  # handed to us (a D1 binding's adapter): the caller owns it
        self._hasher = None
        self._jwt = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from core.settings import Settings

            self._settings = Settings.from_env()
        return self._settings

    @property
    def secret_key(self) -> str:
        """``SECRET_KEY``; in development without one, a per-process random key (tokens die with the process)."""
        key = self.settings.secret_key
        if key is not None:
            return key
        if self.settings.is_production:  # Settings.from_env refuses this; a hand-built Settings might not
            from core.settings import SettingsError

            raise SettingsError(["SECRET_KEY: required in production"])
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
            from core.passwords import PasswordHasher

            self._hasher = PasswordHasher(rounds=self.settings.password_rounds)
        return self._hasher

    @property
    def jwt(self) -> JWT:
        if self._jwt is None:
            from core.jwt import JWT

            # Our own keys are at least 32 bytes in production (Settings); refuse shorter ones outright there.
            self._jwt = JWT(strict_key_length=self.settings.is_production)
        return self._jwt

    # -- database --------------------------------------------------------------------------------------------

    async def database(self) -> Database:
        """The database, connecting on first use; a failed connect is retried by the next call."""
        if self._database is not None:
            return self._database
        if self._connect_lock is None:
            self._connect_lock = asyncio.Lock()
        async with self._connect_lock:
            if self._database is None:
                from core.db import connect

                self._database = await connect(self.settings.database_url)
                self._owns_database = True
        return self._database

    async def discard_database(self) -> None:
        """Forget a connection we opened that turned out broken, so the next request reconnects."""
        db, self._database = self._database, None
        if db is not None and self._owns_database:
            try:
                await db.close()
            except Exception:
                log.debug("closing a broken database connection failed", exc_info=True)
        elif db is not None:
            self._database = db  # not ours to replace (a D1 binding, or one handed to create_app)

    async def close(self) -> None:
        if self._hash_pool is not None:
            self._hash_pool.shutdown(wait=False)
            self._hash_pool = None
        if self._database is not None and self._owns_database:
            await self._database.close()
            self._database = None

    # -- password hashing (CPU-bound) ------------------------------------------------------------------------

    async def run_hashing(self, fn: Any, *args: Any) -> Any:
        """Run a hasher call off the event loop on CPython (a worker thread), inline on Pyodide (no threads).

        The pool has one thread fewer than the machine has cores (at least one): hashlib's PBKDF2 releases the GIL,
        so with a thread per core, 16 concurrent logins starved the event loop of CPU (health p99 73 ms on 2 cores
        with asyncio's default pool; bench/test_api_bench.py). Logins queue instead; everything else stays fast.
        """
        if ON_PYODIDE:
            return fn(*args)
        if self._hash_pool is None:
            from concurrent.futures import ThreadPoolExecutor

            workers = max(1, (os.cpu_count() or 2) - 1)
            self._hash_pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="leancore-hash")
        return await asyncio.get_running_loop().run_in_executor(self._hash_pool, fn, *args)

    async def hash_password(self, password: str) -> str:
        result: str = await self.run_hashing(self.hasher.hash, password)
        return result

    async def verify_and_update(self, password: str, hashed: str) -> tuple[bool, str | None]:
        result: tuple[bool, str | None] = await self.run_hashing(self.hasher.verify_and_update, password, hashed)
        return result

"""The PostgreSQL adapter: a bounded pool of psycopg 3 ``AsyncConnection`` behind the async port.

psycopg and psycopg_pool (extra ``leancore[postgres]``) are imported inside :meth:`PostgresDatabase.open`, never
at module import, so ``core`` stays standard-library-only for everyone who does not use PostgreSQL. Connections run
in autocommit mode (one implicit transaction per ``execute``); ``batch`` is one explicit transaction.
``timestamptz`` values come back as ISO-8601 UTC text (``2025-01-31T12:00:00.123Z``), the shape SQLite and D1
store, so callers see one type.

Bounded waits, so that one hung server cannot hold every request: a pool of ``pool_size`` connections (calls no
longer queue behind one connection), the server-side ``statement_timeout`` (a slow statement is cancelled by the
server, the connection stays usable), and ``call_timeout``, the client-side bound on one call from waiting for a
connection to the last row: past it the call raises :class:`DatabaseUnavailableError` at once, even when the
server does not answer at all (frozen, or a network path that drops packets). The abandoned attempt goes on in
the background until psycopg has cancelled it (psycopg bounds that at 2 x 5 s) and gives its connection back.

A transaction the server aborted because of a concurrent one (SQLSTATE ``40P01`` deadlock_detected, ``40001``
serialization_failure) was rolled back as a whole, so it is run again, up to ``CONFLICT_ATTEMPTS`` times in all;
then :class:`TransactionConflictError`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from core.db._errors import (
    DatabaseError,
    DatabaseUnavailableError,
    IntegrityError,
    TransactionConflictError,
    unencodable,
)
from core.db._port import Dialect, Params, Row, Statement
from core.db._sql import to_pyformat
from core.db._time import utc_text

T = TypeVar("T")

CONNECT_TIMEOUT_SECONDS = 5
# Connections per process. Each PostgreSQL connection is a server process (a few MB); with the default
# max_connections of 100, five per api process leaves room for ~20 processes.
DEFAULT_POOL_SIZE = 5
# PostgreSQL manual, Appendix A "Error Codes", class 40 (transaction rollback): the server rolled the whole
# transaction back, so running it again is safe.
CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})
# Two api processes demoting each other's admins deadlocked once in 138 rounds: a second attempt is nearly always
# enough, and three keep the worst case at about three deadlock_timeouts.
CONFLICT_ATTEMPTS = 3
# First pause before running a conflicted transaction again; doubled each time. Deadlock detection itself takes
# the server's deadlock_timeout (1 s by default), so this only spaces out serialization-failure retries.
CONFLICT_BACKOFF_SECONDS = 0.02
# Acquiring a pooled connection without a call timeout (psycopg_pool's own default).
POOL_TIMEOUT_SECONDS = 30.0

_translate_sql = functools.lru_cache(maxsize=256)(to_pyformat)


def redact_url(url: str) -> str:
    """The URL with its password replaced by ``***`` (for error messages and reports)."""
    from urllib.parse import urlsplit, urlunsplit  # lazily: costly at Workers startup (see _connect.sqlite_path)

    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))
    except ValueError:
        return "<unparsable URL>"


def _text(value: Any) -> Any:
    # datetime imported here, not at module import (~5 ms of `import core` inside Pyodide 314, where no PostgreSQL
    # runs): psycopg has loaded it before any row arrives, so this is a sys.modules lookup.
    import datetime as dt

    if isinstance(value, dt.datetime):
        return utc_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _normalise(row: dict[str, Any]) -> Row:
    return {key: _text(value) for key, value in row.items()}


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class PostgresDatabase:
    """A pool of PostgreSQL connections. Create it with :meth:`open` or ``core.db.connect``."""

    def __init__(self, pool: Any, errors: Any, *, call_timeout: float | None = None,
                 attempts: int = CONFLICT_ATTEMPTS) -> None:
        self._pool = pool  # a psycopg_pool.AsyncConnectionPool, or anything with its connection()/check()/close()
        self._errors = errors  # the psycopg module, for its exception classes
        self._call_timeout = call_timeout
        self._attempts = attempts
        self._background: set[Any] = set()  # abandoned attempts and pool checks: asyncio keeps only weak refs
        self._checking = False

    @classmethod
    async def open(cls, url: str, *, timeout: float = CONNECT_TIMEOUT_SECONDS, statement_timeout: float | None = None,
                   call_timeout: float | None = None, pool_size: int = DEFAULT_POOL_SIZE) -> PostgresDatabase:
        """Connect to ``url`` (``postgresql://`` or ``postgres://``); needs psycopg 3 and psycopg_pool installed.

        ``timeout`` bounds connecting (libpq counts whole seconds), ``statement_timeout`` each statement on the
        server, ``call_timeout`` each call in the client (see the module docstring); ``None`` means no bound.
        """
        try:
            # optional extra, imported only when a PostgreSQL URL is used (the type env does not install it)
            import psycopg
            import psycopg_pool
            from psycopg.rows import dict_row
        except ImportError as exc:
            raise DatabaseUnavailableError(
                'PostgreSQL support needs psycopg 3 and psycopg_pool: pip install "psycopg[binary]" psycopg-pool '
                '(or, from a leancore checkout, pip install ".[postgres]")'
            ) from exc
        if pool_size < 1:
            raise ValueError(f"pool_size must be at least 1, got {pool_size}")
        kwargs = {"autocommit": True, "row_factory": dict_row, "connect_timeout": max(1, math.ceil(timeout))}
        try:
            # One direct connection first: the pool retries in the background and would only report a timeout,
            # while this names the reason (refused, bad password, no such database) at once.
            probe = await psycopg.AsyncConnection.connect(url, **kwargs)
        except psycopg.Error as exc:
            raise DatabaseUnavailableError(
                f"cannot connect to PostgreSQL at {redact_url(url)}: {_first_line(exc)}"
            ) from exc
        await probe.close()
        pool = psycopg_pool.AsyncConnectionPool(
            url, kwargs=kwargs, min_size=1, max_size=pool_size, open=False, name="leancore",
            configure=None if statement_timeout is None else _statement_timeout(statement_timeout),
            timeout=POOL_TIMEOUT_SECONDS if call_timeout is None else call_timeout,
        )
        await pool.open(wait=False)
        return cls(pool, psycopg, call_timeout=call_timeout)

    @property
    def dialect(self) -> Dialect:
        return "postgresql"

    def _translate(self, exc: Exception, *, reachable: bool, attempts: int) -> DatabaseError:
        """The one place psycopg's exceptions become the port's."""
        message = f"postgresql: {_first_line(exc)}"
        if getattr(exc, "sqlstate", None) in CONFLICT_SQLSTATES:
            return TransactionConflictError(
                f"{message} (a concurrent transaction conflicted with this one {attempts} times; run it again)"
            )
        if isinstance(exc, self._errors.IntegrityError):
            return IntegrityError(message)
        if not reachable:
            return DatabaseUnavailableError(message)
        return DatabaseError(message)

    async def _call(self, work: Callable[[Any], Awaitable[T]]) -> T:
        """``work(connection)`` on a pooled connection, within the call timeout, conflicts run again."""
        import asyncio  # on use, not at `import core` (Workers start); a server has it loaded anyway

        if self._call_timeout is None:
            return await self._attempts_of(work, None)
        loop = asyncio.get_running_loop()
        # A task of its own, waited for with asyncio.wait rather than wait_for: wait_for would wait for the
        # cancelled attempt to end, and psycopg's cancellation itself waits for the server (up to 10 s).
        task = loop.create_task(self._attempts_of(work, loop.time() + self._call_timeout))
        try:
            done, _ = await asyncio.wait((task,), timeout=self._call_timeout)
        except BaseException:  # our caller was cancelled: the attempt is no longer wanted either
            self._abandon(task)
            raise
        if not done:
            self._abandon(task)
            raise DatabaseUnavailableError(f"postgresql: no answer within {self._call_timeout:g} s")
        return task.result()

    async def _attempts_of(self, work: Callable[[Any], Awaitable[T]], deadline: float | None) -> T:
        import asyncio  # on use, not at `import core` (Workers start); a server has it loaded anyway

        loop = asyncio.get_running_loop()
        attempt = 1
        while True:
            # psycopg_pool refuses a timeout of 0 outright, even with a connection ready
            wait = None if deadline is None else max(0.001, deadline - loop.time())
            try:
                async with self._pool.connection(timeout=wait) as connection:
                    try:
                        return await work(connection)
                    except self._errors.Error as exc:
                        failure, reachable = exc, not (connection.broken or connection.closed)
                    except UnicodeEncodeError as exc:  # psycopg encodes str parameters to UTF-8; a batch rolls back
                        raise unencodable("postgresql") from exc
            except self._errors.Error as exc:  # no connection to be had: pool timeout, closed pool, server down
                raise DatabaseUnavailableError(f"postgresql: {_first_line(exc)}") from exc
            if not reachable:
                self._check_pool()
            if getattr(failure, "sqlstate", None) in CONFLICT_SQLSTATES and attempt < self._attempts:
                await asyncio.sleep(CONFLICT_BACKOFF_SECONDS * 2 ** (attempt - 1))
                attempt += 1
                continue
            raise self._translate(failure, reachable=reachable, attempts=attempt) from failure

    def _keep(self, task: Any) -> None:
        self._background.add(task)
        task.add_done_callback(self._forget)

    def _forget(self, task: Any) -> None:
        self._background.discard(task)
        if not task.cancelled():
            task.exception()  # mark it retrieved: an abandoned attempt's error was already reported as a timeout

    def _abandon(self, task: Any) -> None:
        task.cancel()
        self._keep(task)

    def _check_pool(self) -> None:
        """After a broken connection (a server restart breaks every idle one), test the idle ones in the background
        so that each does not fail one request of its own."""
        import asyncio  # on use, not at `import core` (Workers start); a server has it loaded anyway

        if self._checking:
            return
        self._checking = True

        async def check() -> None:
            try:
                await self._pool.check()
            finally:
                self._checking = False

        self._keep(asyncio.get_running_loop().create_task(check()))

    async def _run(self, sql: str, params: Params, fetch: str) -> Any:
        async def work(connection: Any) -> Any:
            async with connection.cursor() as cursor:
                # Always pass a tuple: with params=None psycopg would not un-escape the %% of to_pyformat.
                await cursor.execute(_translate_sql(sql), tuple(params))
                if fetch == "one":
                    row = await cursor.fetchone()
                    return None if row is None else _normalise(row)
                if fetch == "all":
                    return [_normalise(row) for row in await cursor.fetchall()]
                return cursor.rowcount

        return await self._call(work)

    async def execute(self, sql: str, params: Params = ()) -> int:
        rowcount: int = await self._run(sql, params, "none")
        return rowcount

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self._run(sql, params, "one")
        return row

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        rows: list[Row] = await self._run(sql, params, "all")
        return rows

    async def batch(self, statements: Sequence[Statement]) -> None:
        if not statements:
            return
        statements = list(statements)

        async def work(connection: Any) -> None:
            async with connection.transaction(), connection.cursor() as cursor:
                for sql, params in statements:
                    await cursor.execute(_translate_sql(sql), tuple(params))

        await self._call(work)

    async def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        await self._pool.close()


def _statement_timeout(seconds: float) -> Callable[[Any], Awaitable[None]]:
    """The pool's ``configure`` hook: every new connection gets ``statement_timeout`` (a session setting)."""
    milliseconds = max(1, round(seconds * 1000))

    async def configure(connection: Any) -> None:
        await connection.execute(f"SET statement_timeout = {milliseconds:d}")

    return configure

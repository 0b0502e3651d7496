"""The SQLite adapter: the standard library's ``sqlite3`` behind the async port.

Calls run inline on the event loop by default, on CPython as in Pyodide (which has no threads). Measured
(bench/test_initialization_bench.py, CPython 3.11, same run, 2 shared cores): an already-initialised
``initialize_database`` (5 statements) takes 0.26 ms inline against 1.6 ms with each statement handed to a worker
thread — the hop costs more than a statement on a local file. Every statement on a connection is serialised by its
lock anyway, so a thread would only free coroutines that do not touch the database. The price of inline: a write
that meets another process's lock waits up to the busy timeout (5 s) with the loop blocked. Deployments with several
processes writing heavily pass ``offload=True``: each connection then owns one worker thread (so the connection
always runs on the same thread); impossible in Pyodide, where ``offload=True`` is refused.

Transactions: the connection is in autocommit mode (``isolation_level=None``), so ``execute`` is one implicit
transaction per statement, and ``batch`` wraps its statements in ``BEGIN IMMEDIATE ... COMMIT``: IMMEDIATE takes
the write lock up front, so two processes applying the same migration queue instead of deadlocking on a
read-to-write upgrade.

Timeouts: ``timeout`` is the busy timeout (how long a statement waits for another connection's lock), and
``statement_timeout`` bounds how long one statement may run: a progress handler interrupts it past that deadline
(``sqlite3`` has no statement timeout of its own). Together they bound every call, inline too, where nothing can
preempt a call running on the loop.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from core.db._errors import DatabaseError, DatabaseUnavailableError, IntegrityError, unencodable
from core.db._port import Dialect, Params, Row, Statement

# sqlite3 is imported on use at run time: it loads its native module (~6 ms inside Pyodide 314, where Workers never
# opens a SQLite file: D1 is its database; measured by workers.import_core).
if TYPE_CHECKING:
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor


T = TypeVar("T")

# How long a statement waits for another connection's write lock before failing with "database is locked".
BUSY_TIMEOUT_SECONDS = 5.0
# How often (in SQLite VM instructions) the statement-timeout handler looks at the clock: one Python call per
# 10,000 instructions is lost in the noise of a statement (a point query is a few hundred instructions).
PROGRESS_STEPS = 10_000
# Pyodide (emscripten) and WASI builds cannot start threads.
THREADS_AVAILABLE = sys.platform not in ("emscripten", "wasi")


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


def _translate(exc: sqlite3.Error, statement_timeout: float | None) -> DatabaseError:
    """The one place sqlite3's exceptions become the port's."""
    import sqlite3  # loaded by open() already; see TYPE_CHECKING above
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityError(f"sqlite: {exc}")
    if statement_timeout is not None and str(exc) == "interrupted":
        return DatabaseError(f"sqlite: the statement ran longer than the statement timeout ({statement_timeout:g} s)")
    return DatabaseError(f"sqlite: {exc}")


class SQLiteDatabase:
    """An open SQLite database (a file, or ``:memory:``). Create it with :meth:`open` or ``core.db.connect``."""

    def __init__(self, connection: sqlite3.Connection, executor: ThreadPoolExecutor | None,
                 statement_timeout: float | None = None) -> None:
        import asyncio  # on use, not at `import core` (Workers start); a server has it loaded anyway
        self._connection = connection
        self._executor = executor
        self._lock = asyncio.Lock()
        self._closed = False
        self._statement_timeout = statement_timeout
        self._deadline = 0.0  # when the running call's statements get interrupted (statement_timeout set)
        if statement_timeout is not None:
            connection.set_progress_handler(self._past_deadline, PROGRESS_STEPS)

    def _past_deadline(self) -> bool:
        return time.monotonic() > self._deadline

    @classmethod
    async def open(
        cls, path: str, *, offload: bool = False, timeout: float = BUSY_TIMEOUT_SECONDS,
        statement_timeout: float | None = None,
    ) -> SQLiteDatabase:
        """Open (creating if needed) the database file at ``path``; ``offload=True`` runs calls in a worker thread.

        ``timeout`` is the busy timeout, ``statement_timeout`` (``None``: no bound) how long one statement may run.
        """
        import asyncio  # on use, not at `import core` (Workers start); a server has it loaded anyway
        import sqlite3  # imported on use; see TYPE_CHECKING above
        use_thread = offload
        if use_thread and not THREADS_AVAILABLE:
            raise DatabaseError("sqlite: offload=True needs threads, which this platform (Pyodide/WASI) lacks")
        from concurrent.futures import ThreadPoolExecutor  # only when offloading (never on Pyodide)

        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leancore-sqlite") if use_thread else None

        def _open() -> sqlite3.Connection:
            connection = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
            try:
                connection.row_factory = _dict_row
                # SQLite leaves foreign keys off unless asked, per connection.
                connection.execute("PRAGMA foreign_keys = ON")
            except BaseException:
                connection.close()
                raise
            return connection

        try:
            if executor is None:
                connection = _open()
            else:
                connection = await asyncio.get_running_loop().run_in_executor(executor, _open)
        except sqlite3.Error as exc:
            if executor is not None:
                executor.shutdown(wait=False)
            raise DatabaseUnavailableError(f"cannot open SQLite database {path!r}: {exc}") from exc
        return cls(connection, executor, statement_timeout)

    @property
    def dialect(self) -> Dialect:
        return "sqlite"

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        import asyncio  # on use, not at `import core` (Workers start); a server has it loaded anyway
        import sqlite3  # loaded by open() already; see TYPE_CHECKING above
        if self._closed:
            raise DatabaseError("sqlite: the connection is closed")
        async with self._lock:
            if self._statement_timeout is not None:
                self._deadline = time.monotonic() + self._statement_timeout
            try:
                if self._executor is None:
                    return fn(*args)
                return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
            except sqlite3.Error as exc:
                raise _translate(exc, self._statement_timeout) from exc
            except UnicodeEncodeError as exc:  # sqlite3 encodes str parameters as UTF-8 itself
                raise unencodable("sqlite") from exc

    def _execute(self, sql: str, params: Params) -> int:
        return self._connection.execute(sql, tuple(params)).rowcount

    def _fetch_one(self, sql: str, params: Params) -> Row | None:
        row: Row | None = self._connection.execute(sql, tuple(params)).fetchone()
        return row

    def _fetch_all(self, sql: str, params: Params) -> list[Row]:
        rows: list[Row] = self._connection.execute(sql, tuple(params)).fetchall()
        return rows

    def _batch(self, statements: Sequence[Statement]) -> None:
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                connection.execute(sql, tuple(params))
            connection.execute("COMMIT")
        except BaseException:
            self._deadline = float("inf")  # a statement interrupted for time must not have its ROLLBACK interrupted
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._call(self._execute, sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return await self._call(self._fetch_one, sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._call(self._fetch_all, sql, params)

    async def batch(self, statements: Sequence[Statement]) -> None:
        if statements:
            await self._call(self._batch, list(statements))

    async def close(self) -> None:
        import asyncio  # on use, not at `import core` (Workers start); a server has it loaded anyway
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            if self._executor is None:
                self._connection.close()
            else:
                await asyncio.get_running_loop().run_in_executor(self._executor, self._connection.close)
                self._executor.shutdown(wait=True)

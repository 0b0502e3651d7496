"""The SQLite adapter: the standard library's ``sqlite3`` behind the async port.

Why a worker thread on CPython and inline calls in Pyodide: a statement on a local file takes microseconds, but a
write that meets another process's lock waits up to the busy timeout (5 s), and on a server that wait must not
freeze the event loop. Each connection therefore owns one worker thread (so the connection always runs on the
same thread and statements never interleave). Pyodide has no threads, so there every call runs inline; the
Workers deployment uses D1 anyway. ``offload=`` overrides the choice; bench/test_initialization_bench.py measures
both.

Transactions: the connection is in autocommit mode (``isolation_level=None``), so ``execute`` is one implicit
transaction per statement, and ``batch`` wraps its statements in ``BEGIN IMMEDIATE ... COMMIT``: IMMEDIATE takes
the write lock up front, so two processes applying the same migration queue instead of deadlocking on a
read-to-write upgrade.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from core.db._errors import DatabaseError, DatabaseUnavailableError, IntegrityError
from core.db._port import Dialect, Params, Row, Statement

T = TypeVar("T")

# How long a statement waits for another connection's write lock before failing with "database is locked".
BUSY_TIMEOUT_SECONDS = 5.0
# Pyodide (emscripten) and WASI builds cannot start threads.
THREADS_AVAILABLE = sys.platform not in ("emscripten", "wasi")


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {column[0]: value for column, value in zip(cursor.description, row)}


def _translate(exc: sqlite3.Error) -> DatabaseError:
    """The one place sqlite3's exceptions become the port's."""
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityError(f"sqlite: {exc}")
    return DatabaseError(f"sqlite: {exc}")


class SQLiteDatabase:
    """An open SQLite database (a file, or ``:memory:``). Create it with :meth:`open` or ``core.db.connect``."""

    def __init__(self, connection: sqlite3.Connection, executor: ThreadPoolExecutor | None) -> None:
        self._connection = connection
        self._executor = executor
        self._lock = asyncio.Lock()
        self._closed = False

    @classmethod
    async def open(
        cls, path: str, *, offload: bool | None = None, timeout: float = BUSY_TIMEOUT_SECONDS
    ) -> SQLiteDatabase:
        """Open (creating if needed) the database file at ``path``; ``offload`` defaults to "threads exist"."""
        use_thread = THREADS_AVAILABLE if offload is None else offload
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
        return cls(connection, executor)

    @property
    def dialect(self) -> Dialect:
        return "sqlite"

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        if self._closed:
            raise DatabaseError("sqlite: the connection is closed")
        async with self._lock:
            try:
                if self._executor is None:
                    return fn(*args)
                return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
            except sqlite3.Error as exc:
                raise _translate(exc) from exc

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
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            if self._executor is None:
                self._connection.close()
            else:
                await asyncio.get_running_loop().run_in_executor(self._executor, self._connection.close)
                self._executor.shutdown(wait=True)

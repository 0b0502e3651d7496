"""The PostgreSQL adapter: psycopg 3's ``AsyncConnection`` behind the async port (extra ``leancore[postgres]``).

psycopg is imported inside :meth:`PostgresDatabase.open`, never at module import, so ``core`` stays
standard-library-only for everyone who does not use PostgreSQL. The connection runs in autocommit mode (one
implicit transaction per ``execute``); ``batch`` is one explicit transaction. ``timestamptz`` values come back as
ISO-8601 UTC text (``2025-01-31T12:00:00.123Z``), the shape SQLite and D1 store, so callers see one type.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from core.db._errors import DatabaseError, DatabaseUnavailableError, IntegrityError, unencodable
from core.db._port import Dialect, Params, Row, Statement
from core.db._sql import to_pyformat

CONNECT_TIMEOUT_SECONDS = 5

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
    # datetime imported here, not at module import (~5 ms of `import core` inside Pyodide, where no PostgreSQL runs):
    # psycopg has loaded it before any row arrives, so this is a sys.modules lookup.
    import datetime as dt

    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _normalise(row: dict[str, Any]) -> Row:
    return {key: _text(value) for key, value in row.items()}


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class PostgresDatabase:
    """An open PostgreSQL connection. Create it with :meth:`open` or ``core.db.connect``."""

    def __init__(self, connection: Any, errors: Any) -> None:
        import asyncio  # imported on use: ~25 ms at import, and a server has it loaded by then anyway
        self._connection = connection
        self._errors = errors  # the psycopg module, for its exception classes
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, url: str, *, timeout: float = CONNECT_TIMEOUT_SECONDS) -> PostgresDatabase:
        """Connect to ``url`` (``postgresql://`` or ``postgres://``); needs psycopg 3 installed."""
        try:
            # optional extra, imported only when a PostgreSQL URL is used (the type env does not install it)
            import psycopg  # type: ignore[import-not-found]
            from psycopg.rows import dict_row  # type: ignore[import-not-found]
        except ImportError as exc:
            raise DatabaseUnavailableError(
                "PostgreSQL support needs psycopg 3: install the extra with pip install 'leancore[postgres]'"
            ) from exc
        try:
            connection = await psycopg.AsyncConnection.connect(
                url, autocommit=True, row_factory=dict_row, connect_timeout=max(1, int(timeout))
            )
        except psycopg.Error as exc:
            raise DatabaseUnavailableError(
                f"cannot connect to PostgreSQL at {redact_url(url)}: {_first_line(exc)}"
            ) from exc
        return cls(connection, psycopg)

    @property
    def dialect(self) -> Dialect:
        return "postgresql"

    def _translate(self, exc: Exception) -> DatabaseError:
        """The one place psycopg's exceptions become the port's."""
        message = f"postgresql: {_first_line(exc)}"
        if isinstance(exc, self._errors.IntegrityError):
            return IntegrityError(message)
        if self._connection.broken or self._connection.closed:
            return DatabaseUnavailableError(message)
        return DatabaseError(message)

    async def _run(self, sql: str, params: Params, fetch: str) -> Any:
        async with self._lock:
            try:
                async with self._connection.cursor() as cursor:
                    # Always pass a tuple: with params=None psycopg would not un-escape the %% of to_pyformat.
                    await cursor.execute(_translate_sql(sql), tuple(params))
                    if fetch == "one":
                        row = await cursor.fetchone()
                        return None if row is None else _normalise(row)
                    if fetch == "all":
                        return [_normalise(row) for row in await cursor.fetchall()]
                    return cursor.rowcount
            except self._errors.Error as exc:
                raise self._translate(exc) from exc
            except UnicodeEncodeError as exc:  # psycopg encodes str parameters to the client encoding (UTF-8)
                raise unencodable("postgresql") from exc

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
        async with self._lock:
            try:
                async with self._connection.transaction(), self._connection.cursor() as cursor:
                    for sql, params in statements:
                        await cursor.execute(_translate_sql(sql), tuple(params))
            except self._errors.Error as exc:
                raise self._translate(exc) from exc
            except UnicodeEncodeError as exc:  # as in _run; the transaction has rolled back
                raise unencodable("postgresql") from exc

    async def close(self) -> None:
        if not self._connection.closed:
            await self._connection.close()

"""Pick the adapter for a database URL or a D1 binding."""

from __future__ import annotations

from typing import Any

from core.db._d1 import D1Database
from core.db._errors import UnsupportedDatabaseError
from core.db._port import Database, Dialect
from core.db._postgres import DEFAULT_POOL_SIZE, PostgresDatabase, redact_url
from core.db._sqlite import BUSY_TIMEOUT_SECONDS, SQLiteDatabase

SUPPORTED = (
    "sqlite:///relative/path.sqlite3, sqlite:////absolute/path.sqlite3, sqlite:///:memory:, "
    "postgresql://user:password@host:port/dbname (or postgres://), or a Cloudflare D1 binding object"
)
_SCHEMES: dict[str, Dialect] = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}


def _is_d1_binding(value: object) -> bool:
    return callable(getattr(value, "prepare", None)) and callable(getattr(value, "batch", None))


def detect_database_type(url_or_binding: object) -> Dialect:
    """``"sqlite"``, ``"postgresql"`` or ``"d1"``; anything else raises :class:`UnsupportedDatabaseError`."""
    if isinstance(url_or_binding, str):
        scheme, sep, _ = url_or_binding.partition("://")
        dialect = _SCHEMES.get(scheme.lower()) if sep else None
        if dialect is None:
            shown = redact_url(url_or_binding) if sep else url_or_binding[:40]
            raise UnsupportedDatabaseError(f"unsupported database URL {shown!r}: use {SUPPORTED}")
        return dialect
    if _is_d1_binding(url_or_binding):
        return "d1"
    raise UnsupportedDatabaseError(
        f"cannot use a {type(url_or_binding).__name__} as a database: use {SUPPORTED}"
    )


def sqlite_path(url: str) -> str:
    """The file path of an ``sqlite:///`` URL (SQLAlchemy's convention: three slashes relative, four absolute)."""
    # urllib.parse is imported here, not at module level: it costs ~150 ms of CPU inside Pyodide 314 at startup.
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.netloc or parts.query or parts.fragment or not parts.path.startswith("/") or parts.path == "/":
        raise UnsupportedDatabaseError(f"malformed SQLite URL {url!r}: use {SUPPORTED}")
    return unquote(parts.path[1:])


async def connect(url_or_binding: Any, *, sqlite_offload: bool = False,
                  timeout: float = BUSY_TIMEOUT_SECONDS, statement_timeout: float | None = None,
                  call_timeout: float | None = None, pool_size: int = DEFAULT_POOL_SIZE) -> Database:
    """Open the database the URL (or D1 binding) names, through the matching adapter.

    ``timeout`` is SQLite's busy timeout and PostgreSQL's connect timeout, in seconds. ``statement_timeout``
    bounds one statement (PostgreSQL's ``statement_timeout``; SQLite interrupts it), ``call_timeout`` one call as
    the caller waits for it (PostgreSQL: pool wait included; D1), ``pool_size`` the PostgreSQL connections; ``None``
    means no bound. Raises :class:`UnsupportedDatabaseError` for an unknown scheme and ``DatabaseUnavailableError``
    when the database cannot be reached or opened.
    """
    dialect = detect_database_type(url_or_binding)
    if dialect == "d1":
        return D1Database(url_or_binding, call_timeout=call_timeout)
    if dialect == "sqlite":
        return await SQLiteDatabase.open(sqlite_path(url_or_binding), offload=sqlite_offload, timeout=timeout,
                                         statement_timeout=statement_timeout)
    return await PostgresDatabase.open(url_or_binding, timeout=timeout, statement_timeout=statement_timeout,
                                       call_timeout=call_timeout, pool_size=pool_size)

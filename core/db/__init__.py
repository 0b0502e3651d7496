"""Async database access: one port, three adapters (SQLite, PostgreSQL, Cloudflare D1).

Public interface (stable; the api is built on it)::

    Dialect = Literal["sqlite", "postgresql", "d1"]

    class Database(Protocol):
        dialect: Dialect                                               # read-only property
        async def execute(sql: str, params: Sequence = ()) -> int       # rows changed, -1 if unknown
        async def fetch_one(sql: str, params: Sequence = ()) -> dict | None
        async def fetch_all(sql: str, params: Sequence = ()) -> list[dict]
        async def batch(statements: Sequence[tuple[str, Sequence]]) -> None   # atomic: all or nothing
        async def close() -> None

    detect_database_type(url_or_binding) -> Dialect     # UnsupportedDatabaseError names the supported forms
    async connect(url_or_binding, *, sqlite_offload=False, timeout=5.0, statement_timeout=None,
                  call_timeout=None, pool_size=5) -> Database   # offload: see _sqlite; timeouts: see connect

Placeholders are ``?`` everywhere (translated to ``%s`` for psycopg). Errors: ``DatabaseError`` (root, code
``database_error``), ``DatabaseUnavailableError`` (cannot reach/open), ``IntegrityError`` (a constraint refused the
statement, e.g. a duplicate email), ``TransactionConflictError`` (a deadlock or serialization failure outlasted
the retries), ``DatabaseValueError`` (also a ``ValueError``: a parameter that cannot be stored, such as text with
a lone surrogate), ``UnsupportedDatabaseError`` (also a ``ValueError``). URLs: ``sqlite:///rel``,
``sqlite:////abs``, ``sqlite:///:memory:``, ``postgresql://`` / ``postgres://``; a D1 binding is any object with
``prepare`` and ``batch``. Value conventions are in ``core/db/_port.py``.
"""

from __future__ import annotations

from core.db._connect import SUPPORTED, connect, detect_database_type, sqlite_path
from core.db._d1 import D1Database
from core.db._errors import (
    DatabaseError,
    DatabaseUnavailableError,
    DatabaseValueError,
    IntegrityError,
    TransactionConflictError,
    UnsupportedDatabaseError,
)
from core.db._port import Database, Dialect, Params, Row, Statement
from core.db._postgres import PostgresDatabase, redact_url
from core.db._sqlite import SQLiteDatabase
from core.db._time import now_text, utc_text

__all__ = [
    "SUPPORTED",
    "D1Database",
    "Database",
    "DatabaseError",
    "DatabaseUnavailableError",
    "DatabaseValueError",
    "Dialect",
    "IntegrityError",
    "Params",
    "PostgresDatabase",
    "Row",
    "SQLiteDatabase",
    "Statement",
    "TransactionConflictError",
    "UnsupportedDatabaseError",
    "connect",
    "detect_database_type",
    "now_text",
    "redact_url",
    "sqlite_path",
    "utc_text",
]

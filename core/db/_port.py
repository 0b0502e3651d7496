"""The async database port: the one interface the initialiser and the api use, whatever the database.

Placeholders are ``?`` (qmark) on every dialect; the PostgreSQL adapter translates them. Rows come back as
plain ``dict`` objects keyed by column name. Values are what the dialect stores: booleans are ``bool`` on
PostgreSQL and ``0``/``1`` on SQLite and D1 (read them with ``bool()``, bind them as ``bool``); timestamps are
ISO-8601 UTC text on every dialect (the PostgreSQL adapter renders ``timestamptz`` values as text).

``batch`` is the unit of atomicity: all its statements apply or none does. It is the only transaction the port
offers because D1 has no interactive transactions, only ``batch()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol, runtime_checkable

Dialect = Literal["sqlite", "postgresql", "d1"]
Row = dict[str, Any]
Params = Sequence[Any]
Statement = tuple[str, Params]


@runtime_checkable
class Database(Protocol):
    """An open database connection (see the module docstring for the value conventions)."""

    @property
    def dialect(self) -> Dialect:
        """``"sqlite"``, ``"postgresql"`` or ``"d1"``: which SQL the caller must write where dialects differ."""
        ...

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement in its own transaction; return the number of rows it changed (-1 if unknown)."""
        ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Run one query and return its first row, or ``None`` when it returns none."""
        ...

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Run one query and return every row."""
        ...

    async def batch(self, statements: Sequence[Statement]) -> None:
        """Run the statements in order, atomically: on any error none of them has an effect, and it raises."""
        ...

    async def close(self) -> None:
        """Release the connection; closing twice is harmless."""
        ...

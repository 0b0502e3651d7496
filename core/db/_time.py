"""Timestamps as every dialect stores them: ISO-8601 UTC text with milliseconds and a ``Z`` (SQLite's and D1's
``strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`` default, and what the PostgreSQL adapter turns its timestamps into)."""

from __future__ import annotations

from typing import Any


def utc_text(moment: Any) -> str:
    """``moment`` (an aware or naive-UTC ``datetime``) as ``2025-01-31T12:00:00.123Z``."""
    import datetime as dt  # on use: ~5 ms of `import core` inside Pyodide 314 otherwise

    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    text: str = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return text


def now_text() -> str:
    """The current UTC time as :func:`utc_text`."""
    import datetime as dt

    return utc_text(dt.datetime.now(dt.timezone.utc))

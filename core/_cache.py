"""The one memo cache of ``core``: a dict that forgets everything when it is full.

Hot paths memoise work on values that repeat (a configured key's preparation, a token header, an email domain, a
code point's Unicode class), but some of those values come from anonymous callers. Clearing the whole dict when it
reaches its limit keeps the bound without any bookkeeping on a hit: hostile input can evict entries, never grow
them. Lookups are the plain ``dict`` methods (``get``, ``in``, ``[]``), so a hit costs what a dict's does; only a
miss goes through :meth:`BoundedCache.put`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs import time (Workers startup budget); annotations are strings anyway
if TYPE_CHECKING:
    from typing import TypeVar

    K = TypeVar("K")
    V = TypeVar("V")

__all__ = ["BoundedCache"]


class BoundedCache(dict["K", "V"]):
    """A ``dict`` of at most ``limit`` entries: storing into a full one clears it first."""

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a cache limit must be positive")
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        """Store ``value`` under ``key`` (clearing the cache first if it is full) and return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

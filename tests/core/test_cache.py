"""core._cache.BoundedCache: a dict that clears itself when a store would take it past its limit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core._cache import BoundedCache


def test_put_stores_and_returns_the_value() -> None:
    """put() stores under the key and hands the value back, so a miss can memoise in one expression."""
    cache: BoundedCache[str, int] = BoundedCache(4)
    assert cache.put("a", 1) == 1
    assert cache.get("a") == 1
    assert "a" in cache
    assert cache["a"] == 1


def test_a_full_cache_is_cleared_before_the_next_store() -> None:
    """At the limit, storing a new entry first forgets every earlier one: the size never exceeds the limit."""
    cache: BoundedCache[int, int] = BoundedCache(3)
    for i in range(3):
        cache.put(i, i)
    assert dict(cache) == {0: 0, 1: 1, 2: 2}
    cache.put(3, 3)
    assert dict(cache) == {3: 3}


@given(st.integers(1, 8), st.lists(st.integers(0, 20), max_size=60))
def test_never_larger_than_its_limit_and_always_holds_the_last_store(limit: int, keys: list[int]) -> None:
    """Whatever the sequence of stores, the cache holds at most ``limit`` entries, the latest store among them."""
    cache: BoundedCache[int, int] = BoundedCache(limit)
    for key in keys:
        cache.put(key, -key)
        assert len(cache) <= limit
        assert cache[key] == -key


def test_is_a_plain_dict_for_lookups() -> None:
    """Lookups are dict's own methods (hits cost what a dict's cost); the limit is an attribute, not an entry."""
    cache: BoundedCache[str, str] = BoundedCache(2)
    assert isinstance(cache, dict)
    assert BoundedCache.get is dict.get
    assert cache.limit == 2
    assert not cache


@pytest.mark.parametrize("limit", [0, -1])
def test_limit_must_be_positive(limit: int) -> None:
    """A cache that could hold nothing is a configuration error."""
    with pytest.raises(ValueError, match="positive"):
        BoundedCache(limit)

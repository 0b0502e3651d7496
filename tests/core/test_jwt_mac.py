"""core.jwt._mac: HMAC from per-key precomputed pad states, identical to the standard library's."""

from __future__ import annotations

import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.jwt import _mac

DIGESTS = ["sha256", "sha384", "sha512"]


@pytest.mark.parametrize("digest", DIGESTS)
@pytest.mark.parametrize("key_length", [0, 1, 31, 32, 63, 64, 65, 127, 128, 129, 1000])
def test_mac_equals_hmac_digest_for_keys_around_the_block_size(digest: str, key_length: int) -> None:
    """Short keys are zero-padded, block-sized keys used as they are, longer ones hashed first (RFC 2104 §2)."""
    key = bytes(range(256)) * 4
    key = key[:key_length]
    for message in (b"", b"header.payload", b"x" * 1000):
        assert _mac.mac(key, message, digest) == hmac.digest(key, message, digest)


@given(key=st.binary(max_size=200), message=st.binary(max_size=300), digest=st.sampled_from(DIGESTS))
def test_mac_equals_hmac_digest(key: bytes, message: bytes, digest: str) -> None:
    """Any key, any message, every digest: the same bytes as hmac.digest, on the first call and from the cache."""
    assert _mac.mac(key, message, digest) == hmac.digest(key, message, digest)
    assert _mac.mac(key, message, digest) == hmac.digest(key, message, digest)


def test_keyed_states_are_not_consumed_by_use() -> None:
    """A MAC copies the cached states: computing one message's MAC leaves the next one unaffected."""
    key = b"k" * 32
    first = _mac.mac(key, b"one", "sha256")
    _mac.mac(key, b"two", "sha256")
    assert _mac.mac(key, b"one", "sha256") == first


def test_state_cache_is_bounded() -> None:
    """Many distinct keys evict cached states instead of growing the cache without limit."""
    for i in range(3 * _mac._STATES_MAX):
        _mac.mac(i.to_bytes(4, "big") * 8, b"m", "sha256")
    assert len(_mac._STATES) <= _mac._STATES_MAX


def test_compare_digest_agrees_with_equality() -> None:
    """compare_digest (the standard library's constant-time comparison) is equality on bytes."""
    assert _mac.compare_digest(b"abc", b"abc")
    assert not _mac.compare_digest(b"abc", b"abd")
    assert not _mac.compare_digest(b"abc", b"ab")

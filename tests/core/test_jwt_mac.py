"""core.jwt._mac: HMAC from per-key precomputed pad states or the built-in one-shot HMAC, identical to the stdlib's.

The one-shot way needs ``_hmac`` (CPython >= 3.14, Pyodide 314): its tests run inside Pyodide (tox -e pyodide) and
are skipped, saying so, on CPython 3.10-3.13.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import _hmac_keys
from core.jwt import _mac

DIGESTS = ["sha256", "sha384", "sha512"]
HAS_ONESHOT = _hmac_keys.oneshot("sha256") is not None
NO_ONESHOT = "no _hmac (HACL* HMAC) here: CPython >= 3.14 and Pyodide 314 only; tox -e pyodide runs it"
EACH_WAY = [
    pytest.param(False, id="states"),
    pytest.param(True, id="oneshot", marks=pytest.mark.skipif(not HAS_ONESHOT, reason=NO_ONESHOT)),
]


@pytest.fixture
def empty_caches() -> Iterator[None]:
    """The test starts and ends with no prepared keys."""
    _mac._STATES.clear()
    _mac._ONESHOT.clear()
    yield
    _mac._STATES.clear()
    _mac._ONESHOT.clear()


def _mac_by(use_oneshot: bool, key: bytes, message: bytes, digest: str) -> bytes:
    """mac() with ``key`` prepared the forced way (re-prepared if the cache holds it the other way)."""
    if (key, digest) not in (_mac._ONESHOT if use_oneshot else _mac._STATES):
        _mac._STATES.pop((key, digest), None)
        _mac._ONESHOT.pop((key, digest), None)
        _mac.prepare(key, digest, use_oneshot=use_oneshot)
    return _mac.mac(key, message, digest)


@pytest.mark.parametrize("use_oneshot", EACH_WAY)
@pytest.mark.parametrize("digest", DIGESTS)
@pytest.mark.parametrize("key_length", [0, 1, 31, 32, 63, 64, 65, 127, 128, 129, 1000])
def test_mac_equals_hmac_digest_for_keys_around_the_block_size(digest: str, key_length: int, use_oneshot: bool) -> None:
    """Short keys are zero-padded, block-sized keys used as they are, longer ones hashed first (RFC 2104 §2)."""
    key = bytes(range(256)) * 4
    key = key[:key_length]
    for message in (b"", b"header.payload", b"x" * 1000):
        assert _mac_by(use_oneshot, key, message, digest) == hmac.digest(key, message, digest)
    assert (key, digest) in (_mac._ONESHOT if use_oneshot else _mac._STATES)


@pytest.mark.parametrize("use_oneshot", EACH_WAY)
@given(key=st.binary(max_size=200), message=st.binary(max_size=300), digest=st.sampled_from(DIGESTS))
def test_mac_equals_hmac_digest(use_oneshot: bool, key: bytes, message: bytes, digest: str) -> None:
    """Any key, any message, every digest: the same bytes as hmac.digest, on the first call and from the cache."""
    assert _mac_by(use_oneshot, key, message, digest) == hmac.digest(key, message, digest)
    assert _mac.mac(key, message, digest) == hmac.digest(key, message, digest)


def test_default_way_is_the_faster_one_for_this_interpreter(empty_caches: None) -> None:
    """The one-shot HMAC is chosen exactly where _hmac exists and hashlib has no OpenSSL (Pyodide 314)."""
    _mac.mac(b"k" * 32, b"m", "sha256")
    expected_oneshot = HAS_ONESHOT and not _hmac_keys.hashlib_has_openssl()
    assert ((b"k" * 32, "sha256") in _mac._ONESHOT) is expected_oneshot
    assert ((b"k" * 32, "sha256") in _mac._STATES) is not expected_oneshot


def test_forcing_a_missing_oneshot_hmac_is_refused(monkeypatch: pytest.MonkeyPatch, empty_caches: None) -> None:
    """Where the interpreter has no one-shot HMAC, asking for it raises ValueError instead of using the states."""
    monkeypatch.setattr(_mac, "oneshot", lambda digest: None)
    with pytest.raises(ValueError, match="no built-in one-shot HMAC"):
        _mac.prepare(b"k" * 32, "sha256", use_oneshot=True)
    assert not _mac._ONESHOT
    assert not _mac._STATES


@pytest.mark.parametrize("use_oneshot", EACH_WAY)
def test_keyed_preparation_is_not_consumed_by_use(use_oneshot: bool) -> None:
    """A MAC leaves the cached preparation as it was: computing one message's MAC leaves the next one unaffected."""
    key = b"k" * 32
    first = _mac_by(use_oneshot, key, b"one", "sha256")
    _mac.mac(key, b"two", "sha256")
    assert _mac.mac(key, b"one", "sha256") == first == hmac.digest(key, b"one", "sha256")


@pytest.mark.parametrize("use_oneshot", EACH_WAY)
def test_cache_is_bounded(use_oneshot: bool, empty_caches: None) -> None:
    """Many distinct keys evict cached preparations instead of growing the caches without limit."""
    for i in range(3 * _mac._STATES_MAX):
        _mac_by(use_oneshot, i.to_bytes(4, "big") * 8, b"m", "sha256")
    assert len(_mac._STATES) + len(_mac._ONESHOT) <= _mac._STATES_MAX


def test_compare_digest_agrees_with_equality() -> None:
    """compare_digest (the standard library's constant-time comparison) is equality on bytes."""
    assert _mac.compare_digest(b"abc", b"abc")
    assert not _mac.compare_digest(b"abc", b"abd")
    assert not _mac.compare_digest(b"abc", b"ab")

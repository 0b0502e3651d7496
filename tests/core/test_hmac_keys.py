"""core._hmac_keys: RFC 2104 key preparation (block key, pad states) and the built-in one-shot HMAC lookup.

``oneshot`` finds ``_hmac`` on CPython >= 3.14 and Pyodide 314 only: the tests that call it run inside Pyodide
(tox -e pyodide) and are skipped, saying so, on CPython 3.10-3.13.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util

import pytest

from core import _hmac_keys

DIGESTS = ["sha256", "sha384", "sha512"]
HAS_HMAC_MODULE = importlib.util.find_spec("_hmac") is not None
NO_HMAC_MODULE = "no _hmac (HACL* HMAC) here: CPython >= 3.14 and Pyodide 314 only; tox -e pyodide runs it"


@pytest.mark.parametrize("digest", DIGESTS)
@pytest.mark.parametrize("key_length", [0, 32, 64, 65, 128, 129, 500])
def test_block_key_hashes_only_keys_longer_than_the_block(digest: str, key_length: int) -> None:
    """Keys up to the hash's block size come back unchanged, longer ones as their digest (RFC 2104 §2)."""
    key = bytes(range(256)) * 2
    key = key[:key_length]
    block_size = hashlib.new(digest).block_size
    expected = hashlib.new(digest, key).digest() if key_length > block_size else key
    assert _hmac_keys.block_key(key, digest) == expected
    assert hmac.digest(_hmac_keys.block_key(key, digest), b"m", digest) == hmac.digest(key, b"m", digest)


@pytest.mark.parametrize("digest", DIGESTS)
@pytest.mark.parametrize("key_length", [0, 64, 129])
def test_pad_states_make_hmac(digest: str, key_length: int) -> None:
    """outer.copy() <- inner.copy() <- message is hmac.digest, short, block-sized and long keys alike."""
    key = b"\x8f" * key_length
    inner, outer = _hmac_keys.pad_states(key, digest)
    i = inner.copy()
    i.update(b"message")
    o = outer.copy()
    o.update(i.digest())
    assert o.digest() == hmac.digest(key, b"message", digest)


def test_oneshot_is_found_exactly_where_hmac_module_exists() -> None:
    """oneshot gives a function exactly where the interpreter has the _hmac module, None elsewhere."""
    assert (_hmac_keys.oneshot("sha256") is not None) is HAS_HMAC_MODULE


@pytest.mark.skipif(not HAS_HMAC_MODULE, reason=NO_HMAC_MODULE)
@pytest.mark.parametrize("digest", DIGESTS)
@pytest.mark.parametrize("key_length", [0, 32, 64, 65, 128, 129, 500])
def test_oneshot_with_block_key_equals_hmac_digest(digest: str, key_length: int) -> None:
    """_hmac's one-shot function, given block_key's key, is hmac.digest for every digest core signs with."""
    compute = _hmac_keys.oneshot(digest)
    assert compute is not None
    key = bytes(range(256)) * 2
    key = key[:key_length]
    for message in (b"", b"header.payload", b"x" * 1000):
        assert compute(_hmac_keys.block_key(key, digest), message) == hmac.digest(key, message, digest)


@pytest.mark.skipif(not HAS_HMAC_MODULE, reason=NO_HMAC_MODULE)
def test_oneshot_of_an_unknown_digest_is_none() -> None:
    """A digest name _hmac has no compute_ function for gives None, not an AttributeError."""
    assert _hmac_keys.oneshot("sha3_999") is None


def test_hashlib_has_openssl_follows_pbkdf2_hmac(monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenSSL is reported where hashlib.pbkdf2_hmac exists (only _hashlib provides it) and not once it is gone."""
    assert _hmac_keys.hashlib_has_openssl() is hasattr(hashlib, "pbkdf2_hmac")
    monkeypatch.delattr(hashlib, "pbkdf2_hmac", raising=False)
    assert not _hmac_keys.hashlib_has_openssl()

"""PBKDF2-HMAC-SHA256: the pure-Python fallback equals hashlib.pbkdf2_hmac, and the RFC 7914 vectors hold."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.passwords._pbkdf2 import native_available, pbkdf2_sha256

# RFC 7914 §11 (scrypt's PBKDF2-HMAC-SHA256 test vectors): (password, salt, rounds, dklen, hex output).
RFC7914_VECTORS = [
    (b"passwd", b"salt", 1, 64,
     "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
     "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"),
    (b"Password", b"NaCl", 80000, 64,
     "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
     "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"),
]


@pytest.mark.parametrize("pure", [False, True])
@pytest.mark.parametrize(("password", "salt", "rounds", "dklen", "expected"), RFC7914_VECTORS)
def test_rfc7914_vectors(password: bytes, salt: bytes, rounds: int, dklen: int, expected: str, pure: bool) -> None:
    """Both engines reproduce the PBKDF2-HMAC-SHA256 vectors of RFC 7914 §11, multi-block output included."""
    assert pbkdf2_sha256(password, salt, rounds, dklen, pure=pure).hex() == expected


@pytest.mark.cpython_only(reason="hashlib.pbkdf2_hmac is the oracle; Pyodide 314 has none (RFC 7914 vectors cover it)")
@settings(max_examples=60)
@given(
    password=st.binary(max_size=200),
    salt=st.binary(max_size=64),
    rounds=st.integers(1, 50),
    dklen=st.integers(1, 100),
)
def test_pure_fallback_equals_hashlib(password: bytes, salt: bytes, rounds: int, dklen: int) -> None:
    """The pure-Python fallback gives hashlib.pbkdf2_hmac's bytes for any password (long keys too), salt and length."""
    assert pbkdf2_sha256(password, salt, rounds, dklen, pure=True) == hashlib.pbkdf2_hmac(
        "sha256", password, salt, rounds, dklen
    )


def test_cpython_has_the_native_engine() -> None:
    """On CPython hashlib.pbkdf2_hmac exists and is the engine used unless the fallback is forced."""
    assert native_available() is hasattr(hashlib, "pbkdf2_hmac")


def test_missing_native_engine_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without hashlib.pbkdf2_hmac (as on Pyodide 314) the default call uses the pure fallback, same bytes."""
    # hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 100) on CPython 3.11; fixed so the test also runs in Pyodide
    expected = bytes.fromhex("2abfac6a729e5abcc10c42850d51f912edf82c8cfb33d09a7e983c271d54d993")
    monkeypatch.delattr(hashlib, "pbkdf2_hmac", raising=False)
    assert not native_available()
    assert pbkdf2_sha256(b"pw", b"salt", 100) == expected


@pytest.mark.parametrize(("rounds", "dklen"), [(0, 32), (-1, 32), (1, 0)])
def test_non_positive_parameters_are_refused(rounds: int, dklen: int) -> None:
    """Zero or negative rounds or output length raise ValueError rather than return a weak key."""
    with pytest.raises(ValueError, match="positive"):
        pbkdf2_sha256(b"pw", b"salt", rounds, dklen)

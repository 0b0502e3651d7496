"""core.jwt._keys: which key forms are secrets, and the RFC 7518 §3.2 length rule."""

from __future__ import annotations

import pytest

from core.jwt import InsecureKeyLengthWarning, InvalidKeyError
from core.jwt._keys import resolve_keys

K32 = "k" * 32


def test_str_key_is_its_utf8_bytes() -> None:
    """A str key is used as its UTF-8 encoding."""
    assert resolve_keys("é" * 16, "HS256", strict=True) == ["é".encode() * 16]


def test_str_key_that_looks_like_json_is_not_parsed() -> None:
    """A JSON-looking str key is the secret itself, never a parsed JWK or key list (python-jose parses it)."""
    key = '{"kty": "oct", "k": "c2VjcmV0"}' + " " * 10
    assert resolve_keys(key, "HS256", strict=True) == [key.encode()]


def test_jwk_and_jwks_and_lists() -> None:
    """A JWK, a JWK Set (non-oct members ignored) and a list of keys all resolve to their secrets."""
    jwk = {"kty": "oct", "k": "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"}
    secret = b"keykeykeykeykeykeykeykeykeykeykeykey"[:33]
    assert resolve_keys(jwk, "HS256", strict=True) == [secret]
    jwks = {"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}, jwk]}
    assert resolve_keys(jwks, "HS256", strict=True) == [secret]
    assert resolve_keys([K32, jwk], "HS256", strict=True) == [K32.encode(), secret]


@pytest.mark.parametrize(
    "key",
    [
        None,
        12345,
        {"kty": "RSA"},
        {"kid": "x"},
        {"kty": "oct", "k": 5},
        {"kty": "oct", "k": "not*base64"},
        {"keys": "nope"},
        {"keys": [{"kty": "RSA"}]},
        [],
        [[K32]],
        "",
        b"",
        "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host",
    ],
)
def test_unusable_keys_raise_invalid_key_error(key: object) -> None:
    """Wrong types, malformed JWKs, empty secrets and asymmetric key material raise InvalidKeyError."""
    with pytest.raises(InvalidKeyError):
        resolve_keys(key, "HS256", strict=False)


@pytest.mark.parametrize(("alg", "minimum"), [("HS256", 32), ("HS384", 48), ("HS512", 64)])
def test_short_keys_warn_or_fail_in_strict_mode(alg: str, minimum: int) -> None:
    """A key shorter than the hash output warns (InsecureKeyLengthWarning) and is refused when strict."""
    with pytest.warns(InsecureKeyLengthWarning):
        resolve_keys("k" * (minimum - 1), alg, strict=False)
    with pytest.raises(InvalidKeyError):
        resolve_keys("k" * (minimum - 1), alg, strict=True)
    assert resolve_keys("k" * minimum, alg, strict=True) == [b"k" * minimum]

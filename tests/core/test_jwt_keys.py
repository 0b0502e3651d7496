"""core.jwt._keys: which key forms are secrets, and the RFC 7518 §3.2 length rule."""

from __future__ import annotations

import base64

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


# --- each refusal's message -----------------------------------------------------------------------------------------

ASYMMETRIC = "The specified key is an asymmetric key or x509 certificate and should not be used as an HMAC secret."


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ({"kty": "RSA", "n": "x"}, "Incorrect key type. Expected: 'oct', Received: 'RSA'"),
        ({"kty": None}, "Incorrect key type. Expected: 'oct', Received: None"),
        ({"kty": "oct"}, "JWK member 'k' must be a base64url string"),
        ({"kty": "oct", "k": b"a2V5"}, "JWK member 'k' must be a base64url string"),
        ({"kty": "oct", "k": "a2V5*"}, "JWK member 'k' is not valid base64url"),
        ({"kty": "oct", "k": "a2V5é"}, "JWK member 'k' is not valid base64url"),
        ({"kty": "oct", "k": "=a2V5"}, "JWK member 'k' is not valid base64url"),
        ({"keys": {"kty": "oct"}}, "JWK Set member 'keys' must be a list of JWKs"),
        ([{"keys": []}], "JWK Set member 'keys' must be a list of JWKs"),
        ({"keys": []}, "No HMAC ('oct') key for HS256 among the keys given"),
        ({"keys": [{"kty": "EC"}, "k" * 32, {"kty": "oct", "k": "a2V5", "alg": "HS512"}]},
         "No HMAC ('oct') key for HS256 among the keys given"),
        ([], "No HMAC ('oct') key for HS256 among the keys given"),
        ([{"kty": "oct", "k": "a2V5", "alg": "HS384"}], "No HMAC ('oct') key for HS256 among the keys given"),
        ({"kty": "oct", "k": "a2V5", "alg": "HS384"}, "The JWK is for 'HS384', not HS256 (RFC 7517 §4.4)"),
        ({"kid": "k1"}, "A dict key must be a JWK ('kty') or a JWK Set ('keys')"),
        ({}, "A dict key must be a JWK ('kty') or a JWK Set ('keys')"),
        (None, "Expecting a str, bytes, JWK or JWK Set key, not NoneType"),
        (3.5, "Expecting a str, bytes, JWK or JWK Set key, not float"),
        ([["k" * 32]], "Expecting a str, bytes, JWK or JWK Set key, not list"),
        ([("k" * 32,)], "Expecting a str, bytes, JWK or JWK Set key, not tuple"),
        ("", "The HMAC key is empty"),
        ([K32, b""], "The HMAC key is empty"),
        ({"kty": "oct", "k": ""}, "The HMAC key is empty"),
        ("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", ASYMMETRIC),
        (b"-----BEGIN RSA PRIVATE KEY-----\nMIIB", ASYMMETRIC),
        ("---- BEGIN SSH2 PUBLIC KEY ----\nAAAA", ASYMMETRIC),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host", ASYMMETRIC),
        (bytearray(b"ecdsa-sha2-nistp256 AAAAE2VjZHNh"), ASYMMETRIC),
        ("sk-ssh-ed25519-cert-v01@openssh.com AAAAIHNr" + "x" * 20, ASYMMETRIC),
        ([K32, "ssh-rsa AAAAB3NzaC1yc2E"], ASYMMETRIC),
    ],
)
def test_unusable_keys_say_why(key: object, message: str) -> None:
    """Each kind of unusable key raises InvalidKeyError with the message naming what is wrong (python-jose's text
    for asymmetric material)."""
    with pytest.raises(InvalidKeyError) as caught:
        resolve_keys(key, "HS256", strict=False)
    assert str(caught.value) == message


def test_a_misspelt_jwk_k_chains_the_encoding_error() -> None:
    """A JWK whose 'k' is not base64url raises InvalidKeyError caused by the MalformedTokenError that names the
    JWK member (what a traceback shows)."""
    with pytest.raises(InvalidKeyError) as caught:
        resolve_keys({"kty": "oct", "k": "a2V5!"}, "HS256", strict=False)
    assert str(caught.value.__cause__) == "Invalid JWK 'k' encoding: not canonical base64url"


@pytest.mark.parametrize("padding", ["", "=", "==", "==="])
def test_jwk_k_may_carry_trailing_padding(padding: str) -> None:
    """'k' is read with or without trailing '=' padding (python-jose tolerates it)."""
    secret = b"k" * 32
    k = base64.urlsafe_b64encode(secret).rstrip(b"=").decode()
    assert resolve_keys({"kty": "oct", "k": k + padding}, "HS256", strict=True) == [secret]


def test_jwk_k_ending_in_x_is_not_stripped() -> None:
    """Only '=' is stripped from the end of 'k': a final 'X' is part of the key."""
    secret = b"s" * 32 + bytes([23])  # 33 bytes: 44 characters, the last one is alphabet[23] == "X"
    k = base64.urlsafe_b64encode(secret).decode()
    assert k.endswith("X")
    assert resolve_keys({"kty": "oct", "k": k}, "HS256", strict=True) == [secret]


def test_key_forms_resolve_to_their_secrets() -> None:
    """bytes, bytearray, a tuple of keys, a JWK Set with non-dict and non-oct members, and JWKs naming the
    algorithm all resolve; JWKs for other algorithms in a list or set are left out."""
    k = base64.urlsafe_b64encode(b"j" * 32).rstrip(b"=").decode()
    assert resolve_keys(b"b" * 32, "HS256", strict=True) == [b"b" * 32]
    assert resolve_keys(bytearray(b"c" * 32), "HS256", strict=True) == [b"c" * 32]
    assert resolve_keys(("d" * 32, b"e" * 32), "HS256", strict=True) == [b"d" * 32, b"e" * 32]
    jwks = {"keys": ["x", 5, {"kty": "RSA"}, {"kty": "oct", "k": k, "alg": "HS512"}, {"kty": "oct", "k": k},
                     ({"kty": "oct", "k": k, "alg": "HS256"})]}
    assert resolve_keys(jwks, "HS256", strict=True) == [b"j" * 32, b"j" * 32]
    assert resolve_keys(({"kty": "oct", "k": k, "alg": "HS512"}, b"f" * 32), "HS256", strict=True) == [b"f" * 32]
    assert resolve_keys({"kty": "oct", "k": k, "alg": "HS256"}, "HS256", strict=True) == [b"j" * 32]


def test_short_key_warning_names_the_length() -> None:
    """The short-key warning (and the strict error) says how long the key is and what RFC 7518 requires."""
    from core import jwt

    message = "The HMAC key is 5 bytes, below the 48 bytes RFC 7518 §3.2 requires for HS384"
    with pytest.warns(InsecureKeyLengthWarning) as record:
        token = jwt.encode({}, "short", algorithm="HS384")
    assert str(record[0].message) == message
    with pytest.warns(InsecureKeyLengthWarning) as record:
        jwt.decode(token, "short")
    assert str(record[0].message) == message
    with pytest.raises(InvalidKeyError) as caught:
        resolve_keys("short", "HS384", strict=True)
    assert str(caught.value) == message


def test_a_key_vetted_for_one_algorithm_is_still_length_checked_for_another() -> None:
    """A 40-byte key, long enough for HS256 and seen before, still warns (or is refused when strict) for HS384 and
    HS512, whose minimums are 48 and 64 bytes."""
    key = "v" * 40
    assert resolve_keys(key, "HS256", strict=True) == [key.encode()]
    assert resolve_keys(key, "HS256", strict=True) == [key.encode()]
    for alg in ("HS384", "HS512"):
        with pytest.warns(InsecureKeyLengthWarning):
            assert resolve_keys(key, alg, strict=False) == [key.encode()]
        with pytest.raises(InvalidKeyError):
            resolve_keys(key, alg, strict=True)
    key_bytes = b"w" * 40
    assert resolve_keys(key_bytes, "HS256", strict=True) == [key_bytes]
    with pytest.raises(InvalidKeyError):
        resolve_keys(key_bytes, "HS512", strict=True)


def test_an_asymmetric_key_is_refused_every_time() -> None:
    """A refused key is not remembered as vetted: passing it again is refused again."""
    pem = "-----BEGIN CERTIFICATE-----\nMIIB" + "x" * 40
    for _ in range(2):
        with pytest.raises(InvalidKeyError):
            resolve_keys(pem, "HS256", strict=False)


def test_a_jwk_in_a_rotation_list_is_used_for_the_algorithm_it_names() -> None:
    """In a list of keys, a JWK whose alg is the token's algorithm is used, one naming another algorithm is not."""
    k = base64.urlsafe_b64encode(b"r" * 64).rstrip(b"=").decode()
    keys = [{"kty": "oct", "k": k, "alg": "HS512"}, {"kty": "oct", "k": k, "alg": "HS256"}]
    assert resolve_keys(keys, "HS256", strict=True) == [b"r" * 64]
    assert resolve_keys(keys, "HS512", strict=True) == [b"r" * 64]
    with pytest.raises(InvalidKeyError):
        resolve_keys(keys, "HS384", strict=True)

"""core.jwt encode/decode: python-jose's API, byte layout and error classes, hardened decoding."""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import jwt
from core.errors import LeancoreError
from core.jwt import (
    JWT,
    EncodeError,
    InvalidAlgorithmError,
    InvalidClaimTypeError,
    InvalidKeyError,
    InvalidSignatureError,
    JWTError,
    MalformedTokenError,
    TokenTooLargeError,
    UnsupportedCriticalHeaderError,
)

KEY = "s" * 64
NOW = 1_700_000_000
codec = JWT(clock=lambda: NOW)


def b64(obj: Any) -> str:
    raw = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forge(header: dict[str, Any], claims: dict[str, Any], key: str = KEY) -> str:
    """A correctly HS256-signed token with an arbitrary header (for header-policy tests)."""
    import hashlib
    import hmac

    signing_input = f"{b64(header)}.{b64(claims)}".encode()
    return f"{signing_input.decode()}.{b64(hmac.new(key.encode(), signing_input, hashlib.sha256).digest())}"


def test_signatures_match_python_jose() -> None:
    """encode/decode keep python-jose 3.5.0's parameter names and defaults."""
    import inspect

    assert str(inspect.signature(jwt.encode)) == (
        "(claims: 'Mapping[str, Any]', key: 'Any', algorithm: 'str' = 'HS256', "
        "headers: 'Mapping[str, Any] | None' = None, access_token: 'str | None' = None) -> 'str'"
    )
    params = list(inspect.signature(jwt.decode).parameters)
    assert params == ["token", "key", "algorithms", "options", "audience", "issuer", "subject", "access_token"]


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_roundtrip_each_algorithm(alg: str) -> None:
    """Each HMAC algorithm signs and verifies, and the header names it."""
    token = codec.encode({"sub": "1"}, KEY, algorithm=alg)
    assert codec.get_unverified_header(token) == {"alg": alg, "typ": "JWT"}
    assert codec.decode(token, KEY, algorithms=[alg]) == {"sub": "1"}


def test_datetimes_become_integer_seconds_and_claims_are_not_mutated() -> None:
    """datetime exp/iat/nbf are encoded as UTC seconds (naive = UTC) and the caller's dict is left alone."""
    aware = datetime(2030, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    claims = {"exp": aware, "iat": datetime(2020, 1, 1), "other": 1}
    snapshot = dict(claims)
    token = codec.encode(claims, KEY, access_token="at")
    assert claims == snapshot
    decoded = codec.get_unverified_claims(token)
    assert decoded["exp"] == 1893456000
    assert decoded["iat"] == 1577836800


def test_headers_are_merged_but_cannot_change_alg() -> None:
    """Extra headers are added (sorted); an 'alg' header that disagrees with the algorithm is refused."""
    token = codec.encode({}, KEY, headers={"kid": "k1", "typ": "at+jwt"})
    assert codec.get_unverified_header(token) == {"alg": "HS256", "kid": "k1", "typ": "at+jwt"}
    with pytest.raises(EncodeError):
        codec.encode({}, KEY, headers={"alg": "none"})


@pytest.mark.parametrize(
    ("claims", "key", "alg"),
    [
        ({"a": float("nan")}, KEY, "HS256"),
        ({"a": object()}, KEY, "HS256"),
        ("not a mapping", KEY, "HS256"),
        ({}, KEY, "RS256"),
        ({}, KEY, "none"),
        ({}, {"keys": [{"kty": "oct", "k": b64(b"k" * 32)}, {"kty": "oct", "k": b64(b"j" * 32)}]}, "HS256"),
    ],
)
def test_encode_errors_are_jwt_errors(claims: Any, key: Any, alg: str) -> None:
    """Unserialisable claims, non-HMAC algorithms and ambiguous key sets raise JWTError subclasses."""
    with pytest.raises(JWTError):
        codec.encode(claims, key, algorithm=alg)


@pytest.mark.parametrize("alg", ["none", "None", "RS256", "ES256", "PS256", "HS1", "", None, 5])
def test_non_hmac_algorithms_are_rejected_even_without_signature_verification(alg: Any) -> None:
    """alg none / asymmetric / junk is refused whatever options say, including verify_signature=False."""
    token = forge({"alg": alg, "typ": "JWT"}, {"a": 1})
    for options in (None, {"verify_signature": False}):
        with pytest.raises(InvalidAlgorithmError):
            codec.decode(token, KEY, options=options)


def test_algorithms_string_is_one_name_not_a_substring_set() -> None:
    """algorithms='HS256,HS512' allows neither (it is one unknown name); 'HS256' allows HS256."""
    token = codec.encode({}, KEY)
    assert codec.decode(token, KEY, algorithms="HS256") == {}
    with pytest.raises(InvalidAlgorithmError):
        codec.decode(token, KEY, algorithms="HS256,HS512")
    with pytest.raises(InvalidAlgorithmError):
        codec.decode(token, KEY, algorithms=["HS512"])


def test_crit_header_is_rejected() -> None:
    """A header with crit is refused: no extension is understood (RFC 7515 §4.1.11)."""
    with pytest.raises(UnsupportedCriticalHeaderError):
        codec.decode(forge({"alg": "HS256", "crit": ["exp"], "exp": 1}, {}), KEY)


def test_wrong_key_and_key_sets() -> None:
    """A wrong key fails; a key list or JWK Set verifies when any member matches."""
    token = codec.encode({"a": 1}, KEY)
    with pytest.raises(InvalidSignatureError):
        codec.decode(token, "t" * 64)
    assert codec.decode(token, ["t" * 64, KEY]) == {"a": 1}
    jwk = {"kty": "oct", "k": base64.urlsafe_b64encode(KEY.encode()).rstrip(b"=").decode()}
    assert codec.decode(token, {"keys": [{"kty": "oct", "k": b64(b"t" * 64)}, jwk]}) == {"a": 1}


def test_verify_signature_false_still_checks_claims() -> None:
    """With verify_signature=False any key passes but claims are still validated (python-jose semantics)."""
    token = codec.encode({"exp": NOW - 1}, KEY)
    with pytest.raises(jwt.ExpiredSignatureError):
        codec.decode(token, "wrong" * 10, options={"verify_signature": False})
    assert codec.decode(codec.encode({"a": 1}, KEY), None, options={"verify_signature": False}) == {"a": 1}


def test_token_cap_applies_before_decoding() -> None:
    """Tokens over max_token_bytes are refused with TokenTooLargeError; the cap is configurable."""
    token = codec.encode({"pad": "x" * 200}, KEY)
    small = JWT(max_token_bytes=100, clock=lambda: NOW)
    with pytest.raises(TokenTooLargeError):
        small.decode(token, KEY)
    with pytest.raises(TokenTooLargeError):
        small.decode(token.encode(), KEY)
    assert jwt.DEFAULT_MAX_TOKEN_BYTES == 8 * 1024
    with pytest.raises(TokenTooLargeError):
        jwt.decode("a" * (8 * 1024 + 1), KEY)


def test_header_cap_applies_before_the_header_is_decoded() -> None:
    """An encoded header over max_header_bytes (default 512) is refused with TokenTooLargeError before any base64
    or JSON work, whatever the rest of the token; at the cap it is parsed as usual; the cap is configurable."""
    header = {"alg": "HS256", "typ": "JWT", "kid": "k" * 300}
    token = codec.encode({"sub": "1"}, KEY, headers=header)
    assert len(token.split(".")[0]) <= jwt.DEFAULT_MAX_HEADER_BYTES == 512
    assert codec.decode(token, KEY) == {"sub": "1"}
    oversized = codec.encode({"sub": "1"}, KEY, headers={**header, "kid": "k" * 400})
    with pytest.raises(TokenTooLargeError, match="header"):
        codec.decode(oversized, KEY)
    with pytest.raises(TokenTooLargeError, match="header"):
        codec.decode("!" * 513 + ".e30.AAAA", KEY)  # not even base64: refused on its length alone
    assert JWT(max_header_bytes=1024, clock=lambda: NOW).decode(oversized, KEY) == {"sub": "1"}
    with pytest.raises(ValueError, match="max_header_bytes"):
        JWT(max_header_bytes=0)


def test_segment_count_is_checked_without_splitting() -> None:
    """A token of thousands of dots is refused as malformed, naming how many segments it has."""
    with pytest.raises(MalformedTokenError, match="3 segments, not 5001"):
        jwt.decode("." * 5000, KEY)
    with pytest.raises(MalformedTokenError, match="not 2"):
        jwt.decode("e30.e30", KEY)


def test_a_forged_payload_is_never_decoded() -> None:
    """Before the signature matches, the payload's spelling is checked but its base64 and JSON are not decoded: a
    payload that is canonical base64url of invalid JSON is reported as a bad signature, not as malformed JSON."""
    header = codec.encode({}, KEY).split(".")[0]
    not_json = "bm90IGpzb24"  # base64url of b"not json"
    with pytest.raises(InvalidSignatureError):
        jwt.decode(f"{header}.{not_json}.{'A' * 43}", KEY)
    with pytest.raises(MalformedTokenError, match="payload encoding"):
        jwt.decode(f"{header}.{not_json}=.{'A' * 43}", KEY)


def test_strict_key_length_refuses_short_keys() -> None:
    """JWT(strict_key_length=True) turns the short-key warning into InvalidKeyError on encode and decode."""
    strict = JWT(strict_key_length=True)
    with pytest.raises(InvalidKeyError):
        strict.encode({}, "short")
    with pytest.warns(jwt.InsecureKeyLengthWarning):
        token = jwt.encode({}, "short")
    with pytest.raises(InvalidKeyError):
        strict.decode(token, "short")


@pytest.mark.parametrize(
    "token",
    [
        "",
        ".",
        "..",
        "a.b",
        "a.b.c.d",
        "eyJhbGciOiJIUzI1NiJ9=.e30.AAAA",
        "ééé.e30.AAAA",
        "\ud800.a.b",
        b"\xff\xfe.a.b",
        None,
        123,
        ["a", "b", "c"],
    ],
)
def test_malformed_tokens_raise_jwt_errors(token: Any) -> None:
    """Wrong segment counts, bad encodings, non-ASCII and non-string tokens raise JWTError subclasses."""
    with pytest.raises(JWTError):
        codec.decode(token, KEY)
    with pytest.raises(MalformedTokenError):
        codec.get_unverified_header(token)


def test_empty_signature_is_an_invalid_signature() -> None:
    """A well-formed token whose signature segment is empty fails verification."""
    with pytest.raises(InvalidSignatureError):
        codec.decode("eyJhbGciOiJIUzI1NiJ9.e30.", KEY)


@pytest.mark.parametrize("verify_signature", [True, False])
def test_a_misspelt_signature_is_malformed_whether_or_not_it_is_verified(verify_signature: bool) -> None:
    """The right MAC spelt non-canonically (padded, trailing bits set, standard alphabet) is MalformedTokenError,
    not InvalidSignatureError, also when verification is off and in the unverified getters."""
    token = forge({"alg": "HS256"}, {"sub": "x"})
    signing_input, _, signature = token.rpartition(".")
    raw = base64.urlsafe_b64decode(signature + "=")
    last = signature[-1]
    misspelt = [
        signature + "=",  # padded
        signature[:-1] + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".index(last) + 1
        ],  # the unused low bits set: the same bytes in a second spelling
        base64.b64encode(raw).decode().rstrip("="),  # standard alphabet (when the MAC has +/ in it)
    ]
    options = {"verify_signature": verify_signature}
    for segment in misspelt:
        if segment == signature:
            continue
        bad = f"{signing_input}.{segment}"
        with pytest.raises(MalformedTokenError):
            codec.decode(bad, KEY, options=options)
        with pytest.raises(MalformedTokenError):
            codec.get_unverified_claims(bad)
    assert codec.decode(token, KEY, options=options) == {"sub": "x"}


def test_every_error_is_a_value_error_with_a_code() -> None:
    """All JWT exceptions share the leancore root, subclass ValueError, and carry a distinct stable code (python-jose's
    names are aliases of these classes, not classes of their own)."""
    classes = list(dict.fromkeys(getattr(jwt, n) for n in jwt.__all__ if isinstance(getattr(jwt, n), type)))
    errors = [c for c in classes if issubclass(c, Exception) and not issubclass(c, Warning)]
    assert all(issubclass(c, LeancoreError) and issubclass(c, ValueError) for c in errors)
    codes = [c.code for c in errors]
    assert len(codes) == len(set(codes))


# -- fuzz: whatever the input, decode raises only JWTError --------------------------------------------------------

FUZZ_EXAMPLES = 10_000 if os.environ.get("CI") == "true" else 1_000

segment = st.one_of(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.", max_size=40),
    st.builds(lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode(), st.binary(max_size=60)),
    st.builds(b64, st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
                                lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=3), c, max_size=3),
                                max_leaves=8)),
    st.builds(b64, st.fixed_dictionaries({"alg": st.sampled_from(["HS256", "none", "RS256", "HS512"])},
                                         optional={"crit": st.just(["x"]), "typ": st.just("JWT")})),
)
tokens = st.one_of(
    st.builds(".".join, st.lists(segment, min_size=0, max_size=5)),
    st.binary(max_size=200),
    st.text(max_size=200),
    st.none() | st.integers() | st.floats() | st.lists(st.integers(), max_size=3),
)
fuzz_options = st.none() | st.fixed_dictionaries(
    {}, optional={"verify_signature": st.booleans(), "leeway": st.integers(-5, 5) | st.text(max_size=2),
                  "require_exp": st.booleans(), "verify_aud": st.booleans()})


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(token=tokens, options=fuzz_options, algorithms=st.none() | st.just("HS256") | st.just(["HS256", "HS512"]),
       audience=st.none() | st.text(max_size=3) | st.integers())
def test_decode_raises_only_jwt_errors(token: Any, options: Any, algorithms: Any, audience: Any) -> None:
    """For generated tokens of every shape, decode either returns a dict or raises a JWTError subclass."""
    try:
        result = codec.decode(token, KEY, algorithms=algorithms, options=options, audience=audience)
    except JWTError:
        return
    assert isinstance(result, dict)


@pytest.mark.parametrize(
    "token",
    [
        "a" * 1_000_000,
        "eyJhbGciOiJIUzI1NiJ9." + "A" * 1_000_000 + ".AAAA",
        b64(b"[" * 5000 + b"]" * 5000) + ".e30.AAAA",
        forge({"alg": "HS256"}, {}).encode() + b"\x00",
    ],
)
def test_pathological_tokens_raise_jwt_errors(token: Any) -> None:
    """1 MB strings, deeply nested JSON and trailing NULs raise JWTError subclasses, never anything else."""
    with pytest.raises(JWTError):
        codec.decode(token, KEY)


def test_only_flat_headers_are_memoised() -> None:
    """A flat header's parse is kept for the next token; a nested one (never a real header) is parsed every time."""
    from core.jwt import _api

    flat = codec.encode({"a": 1}, KEY, headers={"kid": "k1"})
    nested = codec.encode({"a": 1}, KEY, headers={"kid": "k1", "x": [1, {"y": 2}]})
    _api._HEADERS.clear()
    for token in (flat, nested):
        assert codec.decode(token, KEY, algorithms=["HS256"]) == {"a": 1}
        assert codec.get_unverified_header(token)["kid"] == "k1"
    assert list(_api._HEADERS) == [flat.split(".")[0].encode("ascii")]


# --- each refusal's class and message, and the boundaries of the caps -------------------------------------------


def test_caps_must_be_positive() -> None:
    """max_token_bytes and max_header_bytes of 1 are accepted, 0 is refused with a ValueError naming the cap."""
    JWT(max_token_bytes=1, max_header_bytes=1)
    with pytest.raises(ValueError, match=r"^max_token_bytes must be positive$"):
        JWT(max_token_bytes=0)
    with pytest.raises(ValueError, match=r"^max_header_bytes must be positive$"):
        JWT(max_header_bytes=0)


def test_leeway_given_twice_or_invalid_is_refused_at_construction() -> None:
    """JWT(leeway=...) with a leeway in options too, or an invalid leeway, raises JWTError saying so; a leeway beside
    options without one is merged into them."""
    with pytest.raises(JWTError) as caught:
        JWT(leeway=1, options={"leeway": 0})
    assert str(caught.value) == "leeway is given twice: as an argument and in options"
    with pytest.raises(JWTError) as caught:
        JWT(leeway="1")  # type: ignore[arg-type]
    assert str(caught.value) == "leeway must be a number of seconds or a timedelta"
    configured = JWT(leeway=5, options={"verify_aud": False})
    assert configured.options == {**jwt.DEFAULT_OPTIONS, "leeway": 5, "verify_aud": False}
    assert JWT(options={"leeway": 5}).options["leeway"] == 5
    assert JWT().options == dict(jwt.DEFAULT_OPTIONS)


@pytest.mark.parametrize("kind", [str, bytes, bytearray])
def test_token_cap_is_inclusive(kind: type) -> None:
    """A token exactly max_token_bytes long is decoded; one byte more is TokenTooLargeError naming the cap."""
    token = codec.encode({"a": 1}, KEY)
    at_cap = JWT(max_token_bytes=len(token), clock=lambda: NOW)
    below = JWT(max_token_bytes=len(token) - 1, clock=lambda: NOW)
    value = token if kind is str else kind(token.encode())
    assert at_cap.decode(value, KEY) == {"a": 1}
    with pytest.raises(TokenTooLargeError) as caught:
        below.decode(value, KEY)
    assert str(caught.value) == f"Token longer than {len(token) - 1} bytes"
    with pytest.raises(TokenTooLargeError):
        below.get_unverified_claims(value)


def test_header_cap_is_inclusive() -> None:
    """An encoded header exactly max_header_bytes long is decoded; one byte more is TokenTooLargeError."""
    token = codec.encode({"a": 1}, KEY, headers={"kid": "k1"})
    header_length = len(token.split(".")[0])
    assert JWT(max_header_bytes=header_length, clock=lambda: NOW).decode(token, KEY) == {"a": 1}
    with pytest.raises(TokenTooLargeError) as caught:
        JWT(max_header_bytes=header_length - 1, clock=lambda: NOW).decode(token, KEY)
    assert str(caught.value) == f"Token header longer than {header_length - 1} bytes"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("é.e30.AAAA", "Token contains non-ASCII characters"),
        (None, "Token must be str or bytes, not NoneType"),
        (12, "Token must be str or bytes, not int"),
        ("abc", "Token must have 3 segments, not 1"),
        ("a.b", "Token must have 3 segments, not 2"),
        (b"a.b.c.d", "Token must have 3 segments, not 4"),
        ("eyJhbGciOiJIUzI1NiJ9=.e30.AAAA", "Invalid header encoding: not canonical base64url"),
        ("eyJhbGciOiJIUzI1NiIsImtpZCI6ImEifR.e30.AAAA", "Invalid header encoding: non-zero trailing bits"),
        ("eyJhbGciOiJIUzI1NiJ9.e31.AAAA", "Invalid payload encoding: non-zero trailing bits"),
        ("eyJhbGciOiJIUzI1NiJ9.e3*.AAAA", "Invalid payload encoding: not canonical base64url"),
        ("eyJhbGciOiJIUzI1NiJ9.e30.AAAA=", "Invalid crypto encoding: not canonical base64url"),
        ("eyJhbGciOiJIUzI1NiJ9.e30.AAB", "Invalid crypto encoding: non-zero trailing bits"),
        ("WzFd.e30.AAAA", "Invalid header string: must be a json object"),
        ("eyJhbGciOg.e30.AAAA", "Invalid header string: Expecting value: char 7"),
    ],
)
def test_malformed_tokens_say_what_is_wrong(token: Any, message: str) -> None:
    """Each malformed token raises MalformedTokenError with the message naming the segment and the defect, in
    decode (whether or not the signature is verified) and in the unverified readers alike."""
    unverified = {"verify_signature": False}
    for call in (lambda: codec.decode(token, KEY), lambda: codec.decode(token, KEY, options=unverified),
                 lambda: codec.get_unverified_header(token), lambda: codec.get_unverified_claims(token)):
        with pytest.raises(MalformedTokenError) as caught:
            call()
        assert str(caught.value) == message


@pytest.mark.parametrize(
    ("payload", "message", "error"),
    [
        (b"[1]", "Invalid payload string: must be a json object", MalformedTokenError),
        (b'{"a":', "Invalid payload string: Expecting value: char 5", MalformedTokenError),
        (b'{"a":NaN}', "Invalid payload string: NaN is not valid JSON", MalformedTokenError),
        (b'{"a":1,"a":2}', "Invalid payload string: duplicate member names", MalformedTokenError),
        (b'{"a":1e999}', "Invalid payload string: a number is out of range", InvalidClaimTypeError),
    ],
)
def test_a_bad_payload_is_reported_after_the_signature_and_by_the_claims_reader(
    payload: bytes, message: str, error: type[Exception]
) -> None:
    """A correctly signed token whose payload is not one clean JSON object raises the same class and message in
    decode and in get_unverified_claims (an overflowing number is a claims-type error in both)."""
    token = forge({"alg": "HS256"}, {}).split(".")
    head = token[0]
    signed_token = _sign(f"{head}.{b64(payload)}")
    for call in (lambda: codec.decode(signed_token, KEY), lambda: codec.get_unverified_claims(signed_token)):
        with pytest.raises(error) as caught:
            call()
        assert str(caught.value) == message


def _sign(signing_input: str, key: str = KEY) -> str:
    import hashlib
    import hmac

    return f"{signing_input}.{b64(hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest())}"


def test_a_wrong_signature_is_an_invalid_signature_with_python_joses_message() -> None:
    """A well-spelt signature made with another key raises InvalidSignatureError("Signature verification failed.")."""
    token = codec.encode({"a": 1}, "t" * 64)
    with pytest.raises(InvalidSignatureError) as caught:
        codec.decode(token, KEY)
    assert str(caught.value) == "Signature verification failed."


@pytest.mark.parametrize(
    ("header", "algorithms", "error", "message"),
    [
        ({"typ": "JWT"}, None, InvalidAlgorithmError, "No algorithm was specified in the JWS header."),
        ({"alg": ""}, None, InvalidAlgorithmError, "No algorithm was specified in the JWS header."),
        ({"alg": 256}, None, InvalidAlgorithmError, "No algorithm was specified in the JWS header."),
        ({"alg": "HS1"}, None, InvalidAlgorithmError, "Invalid or unsupported algorithm: HS1."),
        ({"alg": "RS256"}, None, InvalidAlgorithmError,
         "Invalid or unsupported algorithm: RS256. leancore supports only HMAC algorithms (HS256, HS384, HS512), "
         "not RS256."),
        ({"alg": "HS256"}, ["HS384"], InvalidAlgorithmError, "The specified alg value is not allowed"),
        ({"alg": "HS256"}, "HS2", InvalidAlgorithmError, "The specified alg value is not allowed"),
        ({"alg": "HS256"}, {"HS384"}, InvalidAlgorithmError, "The specified alg value is not allowed"),
        ({"alg": "HS256"}, (), InvalidAlgorithmError, "The specified alg value is not allowed"),
        ({"alg": "HS256"}, 256, JWTError, "algorithms must be a string or an iterable of strings"),
        ({"alg": "HS256", "crit": ["exp"]}, None, UnsupportedCriticalHeaderError,
         "Unsupported critical header parameters: ['exp']"),
        ({"alg": "HS256", "crit": []}, ["HS256"], UnsupportedCriticalHeaderError,
         "Unsupported critical header parameters: []"),
        ({"alg": "HS256", "crit": ["x"]}, ["HS512"], InvalidAlgorithmError, "The specified alg value is not allowed"),
    ],
)
def test_header_policy_errors_say_why(header: dict[str, Any], algorithms: Any, error: type[Exception],
                                      message: str) -> None:
    """The header's alg is checked (present, HMAC), then the allow-list, then crit; each refusal has its class and
    message (python-jose's text where it has one), also with verify_signature False."""
    token = forge(header, {"a": 1})
    for options in (None, {"verify_signature": False}):
        with pytest.raises(error) as caught:
            codec.decode(token, KEY, algorithms=algorithms, options=options)
        assert type(caught.value) is error
        assert str(caught.value) == message


@pytest.mark.parametrize("algorithms", [["HS256"], ("HS384", "HS256"), {"HS256"}, frozenset({"HS256"}), "iterator",
                                        {"HS256": 1}.keys(), "HS256", None])
def test_algorithms_as_any_iterable_of_names(algorithms: Any) -> None:
    """algorithms may be one name, a list, tuple, set, frozenset, dict view or any other iterable of names."""
    if algorithms == "iterator":
        algorithms = iter(["HS512", "HS256"])
    assert codec.decode(codec.encode({"a": 1}, KEY), KEY, algorithms=algorithms) == {"a": 1}


@pytest.mark.parametrize(
    ("claims", "key", "alg", "headers", "error", "message"),
    [
        ({}, KEY, "XX", None, InvalidAlgorithmError, "Algorithm XX not supported."),
        ({}, KEY, "none", None, InvalidAlgorithmError,
         "Algorithm none not supported. leancore supports only HMAC algorithms (HS256, HS384, HS512), not none."),
        (["a"], KEY, "HS256", None, EncodeError, "claims must be a mapping"),
        ({"a": {1, 2}}, KEY, "HS256", None, EncodeError,
         "Cannot serialise the token as JSON: Object of type set is not JSON serializable"),
        ({}, KEY, "HS256", {"x": object()}, EncodeError,
         "Cannot serialise the token as JSON: Object of type object is not JSON serializable"),
        ({}, KEY, "HS256", {"alg": "HS512"}, EncodeError, "headers['alg'] conflicts with the signing algorithm"),
        ({}, [KEY, KEY], "HS256", None, InvalidKeyError, "Signing needs exactly one key, not a key set"),
        ({}, {"kty": "RSA"}, "HS256", None, InvalidKeyError, "Incorrect key type. Expected: 'oct', Received: 'RSA'"),
    ],
)
def test_encode_errors_say_why(claims: Any, key: Any, alg: str, headers: Any, error: type[Exception],
                               message: str) -> None:
    """Each encode refusal raises its class with its message (python-jose's text for an unsupported algorithm)."""
    with pytest.raises(error) as caught:
        codec.encode(claims, key, algorithm=alg, headers=headers)
    assert str(caught.value) == message


def test_encode_headers_kid_typ_and_a_matching_alg() -> None:
    """headers add members (a kid, another typ), an alg equal to the algorithm is allowed, and empty or absent
    headers give python-jose's default header; the header JSON is sorted and compact."""
    token = codec.encode({"a": 1}, KEY, algorithm="HS384", headers={"kid": "k1", "alg": "HS384", "typ": "at+jwt"})
    assert token.split(".")[0] == b64(b'{"alg":"HS384","kid":"k1","typ":"at+jwt"}')
    for headers in (None, {}):
        assert codec.encode({"a": 1}, KEY, headers=headers).split(".")[0] == b64(b'{"alg":"HS256","typ":"JWT"}')
    from types import MappingProxyType

    token = codec.encode({"a": 1}, KEY, headers=MappingProxyType({"kid": "k2"}))
    assert codec.get_unverified_header(token) == {"alg": "HS256", "kid": "k2", "typ": "JWT"}
    assert codec.decode(token, KEY) == {"a": 1}


def test_encode_keeps_claim_order_and_converts_only_time_claims() -> None:
    """Claims are serialised in the caller's order; datetimes in exp/iat/nbf become seconds, elsewhere they are an
    EncodeError; an empty access token adds no at_hash; a one-key JWK Set or list signs."""
    token = codec.encode({"z": 1, "a": 2, "nbf": datetime(2020, 1, 1, 0, 0, 1, 999_999)}, KEY, access_token="")
    assert token.split(".")[1] == b64(b'{"z":1,"a":2,"nbf":1577836801}')
    with pytest.raises(EncodeError):
        codec.encode({"when": datetime(2020, 1, 1)}, KEY)
    jwk = {"kty": "oct", "k": b64(KEY.encode())}
    assert codec.encode({"a": 1}, {"keys": [jwk]}) == codec.encode({"a": 1}, [KEY]) == codec.encode({"a": 1}, KEY)
    assert codec.encode({"a": 1}, KEY, algorithm="HS512") != codec.encode({"a": 1}, KEY, algorithm="HS384")


def test_per_call_options_of_every_mapping_kind_apply() -> None:
    """Per-call options given as a dict, a non-dict Mapping or an empty dict are merged over the instance's; a
    non-mapping is a JWTError."""
    from types import MappingProxyType

    configured = JWT(clock=lambda: NOW, options={"require_sub": True})
    token = codec.encode({"a": 1}, KEY)
    with pytest.raises(jwt.MissingRequiredClaimError):
        configured.decode(token, KEY, options={})
    for options in ({"require_sub": False}, MappingProxyType({"require_sub": False})):
        assert configured.decode(token, KEY, options=options) == {"a": 1}
        assert configured.decode(token, KEY, options=options) == {"a": 1}  # memoised the second time
    with pytest.raises(JWTError) as caught:
        configured.decode(token, KEY, options=[("require_sub", False)])  # type: ignore[arg-type]
    assert str(caught.value) == "options must be a mapping"


def test_per_call_options_are_told_apart() -> None:
    """Distinct per-call options on one instance each get their own compilation, in any order and repeated."""
    fresh = JWT(clock=lambda: NOW)
    token = fresh.encode({"exp": NOW - 5}, KEY)
    for _ in range(2):
        assert fresh.decode(token, KEY, options={"leeway": 10}) == {"exp": NOW - 5}
        with pytest.raises(jwt.ExpiredSignatureError):
            fresh.decode(token, KEY, options={"leeway": 1})
        assert fresh.decode(token, KEY, options={"verify_exp": False}) == {"exp": NOW - 5}
        with pytest.raises(jwt.MissingRequiredClaimError):
            fresh.decode(token, KEY, options={"verify_exp": False, "require_sub": True})


def test_the_header_cache_does_not_change_results() -> None:
    """A header seen before decodes to the same dict; different headers of the same length are not confused."""
    from core.jwt import _api

    _api._HEADERS.clear()
    a = codec.encode({"a": 1}, KEY, headers={"kid": "k1"})
    b = codec.encode({"a": 1}, KEY, headers={"kid": "k2"})
    for _ in range(2):
        assert codec.get_unverified_header(a)["kid"] == "k1"
        assert codec.get_unverified_header(b)["kid"] == "k2"
        assert codec.decode(a, KEY) == codec.decode(b, KEY) == {"a": 1}
    with pytest.raises(InvalidAlgorithmError):
        codec.decode(a, KEY, algorithms=["HS512"])


def test_any_key_of_a_set_verifies_wherever_it_stands() -> None:
    """In a key list or JWK Set, the matching key verifies whether it comes first, last or in between."""
    token = codec.encode({"a": 1}, KEY)
    others = ["t" * 64, "u" * 64]
    for keys in ([KEY, *others], [others[0], KEY, others[1]], [*others, KEY]):
        assert codec.decode(token, keys) == {"a": 1}
        jwks = {"keys": [{"kty": "oct", "k": b64(k.encode())} for k in keys]}
        assert codec.decode(token, jwks) == {"a": 1}
    with pytest.raises(InvalidSignatureError):
        codec.decode(token, others)


def test_per_call_options_of_any_kind_keep_the_instances_other_options() -> None:
    """Per-call options that are a non-dict Mapping, or hold an unhashable value, are merged over the instance's
    options (not over python-jose's defaults): what they do not mention keeps the instance's setting."""
    from types import MappingProxyType

    configured = JWT(clock=lambda: NOW, options={"require_sub": True})
    token = codec.encode({"a": 1}, KEY)
    for options in ({"verify_aud": True}, MappingProxyType({"verify_aud": True}),
                    {"verify_aud": True, "x-extra": ["unhashable"]}):
        with pytest.raises(jwt.MissingRequiredClaimError):
            configured.decode(token, KEY, options=options)


def _raw_header_token(header: bytes) -> str:
    return _sign(f"{b64(header)}.{b64(b'{}')}")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (b"{" * 40, "Invalid header string: unbalanced brackets"),
        (b'{"alg":"HS256","x":' + b"[" * 40 + b"]" * 40 + b"}", "Invalid header string: nested deeper than 32 levels"),
        (b'{"alg":"HS256","a":[1],"a":2}', "Invalid header string: duplicate member names"),
        (b'{"alg":"HS256","a":{"b":1},"a":2}', "Invalid header string: duplicate member names"),
        (b'{"alg":"HS256","x":[1e999]}', "Invalid header string: a number is out of range"),
        (b'{"alg":"HS256","x":{"y":-1E999}}', "Invalid header string: a number is out of range"),
        (b'{"alg":"HS256","x":1e999}', "Invalid header string: a number is out of range"),
        (b'[{"alg":"HS256"}]', "Invalid header string: must be a json object"),
        (b'"{}"', "Invalid header string: must be a json object"),
        # not a trailing comma there: Python 3.13's scanner names that one itself ("Illegal trailing comma ...")
        (b'{"alg":"HS256","x":[-]}', "Invalid header string: Expecting value: char 20"),
    ],
)
def test_header_json_errors_say_what_is_wrong(header: bytes, message: str) -> None:
    """A header that is not one clean JSON object (nesting, duplicates, overflowing numbers, not an object, bad
    syntax, flat or nested) is MalformedTokenError with the message naming the header and the defect."""
    token = _raw_header_token(header)
    for call in (lambda: codec.decode(token, KEY), lambda: codec.get_unverified_header(token)):
        with pytest.raises(MalformedTokenError) as caught:
            call()
        assert type(caught.value) is MalformedTokenError
        assert str(caught.value) == message


@pytest.mark.parametrize("number", [b"1e999", b"-1E+0309", b"9" * 210 + b"e99"],
                         ids=["exponent", "signed exponent with zeros", "210 digits"])
def test_numbers_nested_in_a_header_are_checked_once_the_signature_matches(number: bytes) -> None:
    """An overflowing number nested in a header refuses the token as malformed once the signature matches, with
    verification off, and in the unverified getters; under a forged signature the token is refused as forged, the
    numbers unconverted (converting them all is the one header check whose cost grows with their count)."""
    header = b'{"alg":"HS256","x":[0,' + number + b"]}"
    token = _raw_header_token(header)
    checks = (
        lambda: codec.decode(token, KEY),
        lambda: codec.decode(token, None, options={"verify_signature": False}),
        lambda: codec.get_unverified_claims(token),
        lambda: codec.get_unverified_header(token),
    )
    for check in checks:
        with pytest.raises(MalformedTokenError, match=r"^Invalid header string: a number is out of range$"):
            check()
    with pytest.raises(InvalidSignatureError, match=r"^Signature verification failed\.$"):
        codec.decode(token, "another-" + KEY)


def test_thirty_two_brackets_in_a_header_are_parsed_not_depth_scanned() -> None:
    """A header with 32 brackets in all is within the cap: malformed, it gets the JSON parser's own message."""
    with pytest.raises(MalformedTokenError, match="Expecting property name"):
        codec.decode(_raw_header_token(b"{" * 32), KEY)


def test_a_crit_header_is_reported_as_parsed_before_verification() -> None:
    """The crit value in the refusal is the header parameter as read before the signature is checked: a list of
    names as a list, a nested object as its (name, value) pairs (headers are never fully parsed unverified)."""
    with pytest.raises(UnsupportedCriticalHeaderError) as caught:
        codec.decode(_raw_header_token(b'{"alg":"HS256","crit":{"a":1}}'), KEY)
    assert str(caught.value) == "Unsupported critical header parameters: (('a', 1),)"
    with pytest.raises(UnsupportedCriticalHeaderError) as caught:
        codec.decode(_raw_header_token(b'{"alg":"HS256","crit":["a","b"]}'), KEY)
    assert str(caught.value) == "Unsupported critical header parameters: ['a', 'b']"


def test_nested_header_values_read_back_as_json() -> None:
    """get_unverified_header returns nested header values as json.loads does (objects as dicts, arrays as lists)."""
    header = b'{"alg":"HS256","x":{"y":[1,{"z":2}]},"n":[[]]}'
    assert codec.get_unverified_header(_raw_header_token(header)) == json.loads(header)
    assert codec.decode(_raw_header_token(header), KEY) == {}

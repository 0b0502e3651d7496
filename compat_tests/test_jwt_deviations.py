"""Each deliberate deviation of core.jwt from python-jose 3.5.0, with both behaviours shown side by side.

One test per row of docs/compatibility.md ("core.jwt" table); PyJWT 2.15's behaviour is shown where the row
cites it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import warnings
from datetime import datetime
from typing import Any
from unittest import mock

import jwt as pyjwt
import pytest
from jose import jwt as jose_jwt
from jose.exceptions import JWSError
from jose.exceptions import JWTError as JoseError

from core import jwt as core_jwt

NOW = 1_700_000_000
KEY = "k" * 64
CORE = core_jwt.JWT(clock=lambda: NOW)


class FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> FrozenDatetime:  # type: ignore[override]
        return cls.fromtimestamp(NOW, tz)


def jose_decode(token: Any, key: Any = KEY, **kwargs: Any) -> Any:
    with mock.patch("jose.jwt.datetime", FrozenDatetime):
        return jose_jwt.decode(token, key, **kwargs)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed(header_json: bytes, payload_json: bytes, key: str = KEY) -> str:
    signing_input = f"{b64(header_json)}.{b64(payload_json)}"
    return f"{signing_input}.{b64(hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest())}"


HS256 = b'{"alg":"HS256","typ":"JWT"}'


def test_exp_equal_to_now_is_expired() -> None:
    """exp == now: python-jose accepts, PyJWT and core reject (RFC 7519 §4.1.4 "on or after")."""
    token = CORE.encode({"exp": NOW}, KEY)
    assert jose_decode(token) == {"exp": NOW}
    with mock.patch("jwt.api_jwt.datetime") as dt:
        dt.now.return_value = datetime.fromtimestamp(NOW, tz=None).astimezone()
        dt.timezone = __import__("datetime").timezone
        with pytest.raises(pyjwt.ExpiredSignatureError):
            pyjwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": True})
    with pytest.raises(core_jwt.ExpiredSignatureError):
        CORE.decode(token, KEY)


def token_with_dash_or_underscore_in_signature() -> tuple[str, dict[str, str]]:
    for i in range(1000):
        claims = {"sub": f"user-{i}"}
        token = CORE.encode(claims, KEY)
        if "-" in token.split(".")[2] or "_" in token.split(".")[2]:
            return token, claims
    raise AssertionError("unreachable: every few signatures contain '-' or '_'")


@pytest.mark.parametrize("variant", ["padded", "standard_alphabet", "junk", "trailing_bits"])
def test_non_canonical_base64_is_rejected(variant: str) -> None:
    """Padded, '+'/'/', junk-laden or non-canonical signatures: python-jose accepts the token, core rejects it."""
    token, claims = token_with_dash_or_underscore_in_signature()
    head, body, sig = token.split(".")
    raw_sig = base64.urlsafe_b64decode(sig + "=")
    if variant == "padded":
        mutated = f"{head}.{body}.{sig}="
    elif variant == "standard_alphabet":
        mutated = f"{head}.{body}.{base64.b64encode(raw_sig).rstrip(b'=').decode()}"
    elif variant == "junk":
        mutated = f"{head}.{body}.{sig[:5]}!*!*{sig[5:]}"  # four characters keep python-jose's padding arithmetic
    elif variant == "trailing_bits":
        # 32 bytes -> 43 chars: the last char carries 2 unused bits; set one of them.
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        mutated = f"{head}.{body}.{sig[:-1]}{alphabet[alphabet.index(sig[-1]) | 1]}"
    assert mutated != token
    assert jose_decode(mutated) == claims
    with pytest.raises(core_jwt.MalformedTokenError):
        CORE.decode(mutated, KEY)


@pytest.mark.parametrize(
    "payload", [b'{"a":NaN}', b'{"a":Infinity}', b'{"a":1e999}', b'{"exp":1,"exp":99999999999}']
)
def test_nan_infinity_and_duplicate_members_are_rejected(payload: bytes) -> None:
    """NaN, Infinity (including 1e999) and duplicate member names: python-jose accepts, core rejects."""
    token = signed(HS256, payload)
    if b"1e999" in payload:
        assert jose_decode(token)["a"] == float("inf")
        with pytest.raises(core_jwt.JWTClaimsError):
            CORE.decode(token, KEY)
        return
    assert isinstance(jose_decode(token, options={"verify_exp": False}), dict)
    with pytest.raises(core_jwt.MalformedTokenError):
        CORE.decode(token, KEY)


def test_non_object_header_or_payload_is_rejected_by_both() -> None:
    """A JSON array as header or payload is refused by python-jose and by core alike."""
    for token in (signed(b"[1]", b"{}"), signed(HS256, b"[1]")):
        with pytest.raises(JoseError):
            jose_decode(token)
        with pytest.raises(core_jwt.JWTError):
            CORE.decode(token, KEY)


def test_unsupported_crit_header_is_rejected() -> None:
    """A crit header naming an unknown extension: python-jose ignores it, core rejects (RFC 7515 §4.1.11)."""
    token = signed(b'{"alg":"HS256","crit":["urn:x"],"urn:x":1}', b'{"a":1}')
    assert jose_decode(token) == {"a": 1}
    with pytest.raises(core_jwt.UnsupportedCriticalHeaderError):
        CORE.decode(token, KEY)


@pytest.mark.parametrize("alg", ["none", "RS256"])
def test_non_hmac_alg_rejected_even_without_signature_verification(alg: str) -> None:
    """alg none / RS256 with verify_signature=False: python-jose returns the claims, core rejects the token."""
    header = b64(json.dumps({"alg": alg}).encode())
    body = b64(b'{"a":1}')
    token = f"{header}.{body}."
    assert jose_decode(token, options={"verify_signature": False}) == {"a": 1}
    with pytest.raises(core_jwt.InvalidAlgorithmError):
        CORE.decode(token, KEY, options={"verify_signature": False})


@pytest.mark.parametrize(
    ("value", "jose_result"),
    [(None, TypeError), ([1], TypeError), ("1700000100", "accepted"), (True, "expired"), (1e999, OverflowError)],
)
def test_wrongly_typed_exp_is_a_claims_error(value: Any, jose_result: Any) -> None:
    """exp of type null/list/string/bool or out of range: python-jose leaks TypeError/OverflowError or
    accepts; core raises JWTClaimsError."""
    token = signed(HS256, json.dumps({"exp": value}).encode().replace(b"Infinity", b"1e999"))
    if jose_result == "accepted":
        assert jose_decode(token) == {"exp": value}
    elif jose_result == "expired":
        with pytest.raises(JoseError):
            jose_decode(token)
    else:
        with pytest.raises(jose_result):
            jose_decode(token)
    with pytest.raises(core_jwt.JWTClaimsError):
        CORE.decode(token, KEY)


def test_algorithms_string_is_not_a_substring_set() -> None:
    """algorithms='HS256,HS512': python-jose accepts an HS256 token (substring test), core rejects it."""
    token = CORE.encode({"a": 1}, KEY)
    assert jose_decode(token, algorithms="HS256,HS512") == {"a": 1}
    with pytest.raises(core_jwt.InvalidAlgorithmError):
        CORE.decode(token, KEY, algorithms="HS256,HS512")


def test_oversized_token_is_rejected_before_decoding() -> None:
    """A 20 KiB token: python-jose decodes it, core refuses it (default cap 8 KiB, configurable)."""
    token = CORE.encode({"blob": "x" * 20_000}, KEY)
    assert len(jose_decode(token)["blob"]) == 20_000
    with pytest.raises(core_jwt.TokenTooLargeError):
        CORE.decode(token, KEY)
    assert core_jwt.JWT(max_token_bytes=64 * 1024).decode(token, KEY)["blob"] == "x" * 20_000


def test_oversized_header_is_rejected_before_decoding() -> None:
    """A 1 KiB header: python-jose and PyJWT decode the token, core refuses it (default cap 512 bytes, configurable)."""
    token = CORE.encode({"a": 1}, KEY, headers={"kid": "k" * 700})
    assert jose_decode(token) == {"a": 1}
    assert pyjwt.decode(token, KEY, algorithms=["HS256"]) == {"a": 1}
    with pytest.raises(core_jwt.TokenTooLargeError, match="header"):
        CORE.decode(token, KEY)
    assert core_jwt.JWT(max_header_bytes=2048, clock=lambda: NOW).decode(token, KEY) == {"a": 1}


def test_short_keys_warn_and_strict_refuses() -> None:
    """An 8-byte HS256 key: python-jose is silent, PyJWT and core warn, core's strict mode refuses."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        token = jose_jwt.encode({"a": 1}, "shortkey")
        assert jose_decode(token, "shortkey") == {"a": 1}
    with pytest.warns(pyjwt.warnings.InsecureKeyLengthWarning if hasattr(pyjwt, "warnings") else UserWarning):
        pyjwt.decode(token, "shortkey", algorithms=["HS256"])
    with pytest.warns(core_jwt.InsecureKeyLengthWarning):
        assert CORE.decode(token, "shortkey") == {"a": 1}
    with pytest.raises(core_jwt.InvalidKeyError):
        core_jwt.JWT(strict_key_length=True).decode(token, "shortkey")


def test_empty_key_is_refused() -> None:
    """An empty key: python-jose signs and verifies with it, core refuses it."""
    token = jose_jwt.encode({"a": 1}, "")
    assert jose_decode(token, "") == {"a": 1}
    with pytest.raises(core_jwt.InvalidKeyError):
        CORE.decode(token, "")
    with pytest.raises(core_jwt.InvalidKeyError):
        CORE.encode({"a": 1}, "")


def test_str_key_that_parses_as_json_is_used_verbatim() -> None:
    """Key '"secret..."' (a JSON string): python-jose strips the quotes, core uses the key as written."""
    inner = "q" * 40
    quoted = json.dumps(inner)
    token = jose_jwt.encode({"a": 1}, inner)
    assert jose_decode(token, quoted) == {"a": 1}  # jose verifies with the *unquoted* secret
    with pytest.raises(core_jwt.InvalidSignatureError):
        CORE.decode(token, quoted)
    assert CORE.decode(CORE.encode({"a": 1}, quoted), quoted) == {"a": 1}


@pytest.mark.parametrize(("claim", "kwarg"), [("aud", "audience"), ("sub", "subject")])
def test_expected_claim_missing_from_token_is_rejected(claim: str, kwarg: str) -> None:
    """audience=/subject= given but the token lacks aud/sub: python-jose accepts, core rejects."""
    token = CORE.encode({"a": 1}, KEY)
    assert jose_decode(token, **{kwarg: "expected"}) == {"a": 1}
    with pytest.raises(core_jwt.JWTClaimsError):
        CORE.decode(token, KEY, **{kwarg: "expected"})


def test_encode_refuses_nan_and_alg_override_and_does_not_mutate() -> None:
    """python-jose signs NaN claims, lets headers override alg and mutates the claims; core does none of these."""
    assert "." in jose_jwt.encode({"a": float("nan")}, KEY)
    with pytest.raises(core_jwt.EncodeError):
        CORE.encode({"a": float("nan")}, KEY)
    jose_token = jose_jwt.encode({"a": 1}, KEY, headers={"alg": "none"})
    assert jose_jwt.get_unverified_header(jose_token)["alg"] == "none"
    with pytest.raises(core_jwt.EncodeError):
        CORE.encode({"a": 1}, KEY, headers={"alg": "none"})
    claims = {"exp": datetime(2030, 1, 1)}
    jose_jwt.encode(claims, KEY, access_token="t")
    assert set(claims) == {"exp", "at_hash"}
    assert isinstance(claims["exp"], int)
    claims = {"exp": datetime(2030, 1, 1)}
    CORE.encode(claims, KEY, access_token="t")
    assert claims == {"exp": datetime(2030, 1, 1)}


def test_encode_with_unsupported_algorithm_raises_a_jwt_error() -> None:
    """encode(algorithm='RS256') with an HMAC secret: python-jose raises JWSError (not a JWTError), core a
    JWTError that is also core's JWSError, so code catching either keeps working; the message says why."""
    with pytest.raises(JWSError):
        jose_jwt.encode({"a": 1}, KEY, algorithm="XX999")
    assert not issubclass(JWSError, JoseError)
    with pytest.raises(core_jwt.JWSError, match="only HMAC") as caught:
        CORE.encode({"a": 1}, KEY, algorithm="RS256")
    assert isinstance(caught.value, core_jwt.InvalidAlgorithmError)
    assert isinstance(caught.value, core_jwt.JWTError)


def test_jwk_alg_restricts_the_key_to_that_algorithm() -> None:
    """A JWK with "alg": "HS512" verifying an HS256 token: python-jose uses it anyway; core does not (RFC 7517
    §4.4), alone or in a set, and a set's key for the right algorithm still verifies."""
    secret = b"k" * 64
    k = base64.urlsafe_b64encode(secret).rstrip(b"=").decode()
    jwk_512 = {"kty": "oct", "k": k, "alg": "HS512"}
    token = CORE.encode({"a": 1}, secret)
    assert jose_decode(token, jwk_512, algorithms=["HS256"]) == {"a": 1}
    with pytest.raises(core_jwt.InvalidKeyError, match="RFC 7517"):
        CORE.decode(token, jwk_512, algorithms=["HS256"])
    with pytest.raises(core_jwt.InvalidKeyError, match="for HS256"):
        CORE.decode(token, {"keys": [jwk_512]}, algorithms=["HS256"])
    jwk_256 = {**jwk_512, "alg": "HS256"}
    assert CORE.decode(token, {"keys": [jwk_512, jwk_256]}, algorithms=["HS256"]) == {"a": 1}
    assert CORE.decode(token, [jwk_512, secret], algorithms=["HS256"]) == {"a": 1}
    assert CORE.decode(token, {"kty": "oct", "k": k}, algorithms=["HS256"]) == {"a": 1}  # no alg: any


@pytest.mark.parametrize("token", [None, 12345, ["a", "b", "c"]])
def test_non_string_tokens_raise_jwt_errors(token: Any) -> None:
    """A non-str/bytes token: python-jose leaks AttributeError, core raises MalformedTokenError."""
    with pytest.raises(AttributeError):
        jose_decode(token)
    with pytest.raises(core_jwt.MalformedTokenError):
        CORE.decode(token, KEY)


def test_mapping_key_without_kty_or_keys_is_refused() -> None:
    """A plain dict key {kid: secret}: python-jose tries its values (Firebase style), core refuses it."""
    token = CORE.encode({"a": 1}, KEY)
    assert jose_decode(token, {"kid1": KEY}) == {"a": 1}
    with pytest.raises(core_jwt.InvalidKeyError):
        CORE.decode(token, {"kid1": KEY})


def test_deep_nesting_is_refused() -> None:
    """33 levels of nested arrays in the payload: python-jose returns them, core refuses before parsing."""
    payload = b'{"a":' + b"[" * 33 + b"]" * 33 + b"}"
    token = signed(HS256, payload)
    assert "a" in jose_decode(token)
    with pytest.raises(core_jwt.MalformedTokenError):
        CORE.decode(token, KEY)


def _malformed() -> dict[str, str]:
    good = jose_jwt.encode({"sub": "u"}, KEY)
    header, payload, signature = good.split(".")
    hs1 = base64.urlsafe_b64encode(b'{"alg":"HS1","typ":"JWT"}').rstrip(b"=").decode()
    return {
        "two segments": f"{header}.{payload}",
        "four segments": f"{good}.x",
        "header not base64url": f"!!!.{payload}.{signature}",
        "payload not base64url": f"{header}.!!!.{signature}",
        "signature not base64url": f"{header}.{payload}.!!!",
        "header not JSON": f"bm90anNvbg.{payload}.{signature}",
        "unsupported alg": f"{hs1}.{payload}.{signature}",
    }


MALFORMED_MESSAGES = {
    "two segments": ("Not enough segments", "Token must have 3 segments, not 2"),
    "four segments": ("Invalid payload padding", "Token must have 3 segments, not 4"),
    "header not base64url": ("Invalid header string: Expecting value: line 1 column 1 (char 0)",
                             "Invalid header encoding: not canonical base64url"),
    "payload not base64url": ("Signature verification failed.", "Invalid payload encoding: not canonical base64url"),
    "signature not base64url": ("Signature verification failed.", "Invalid crypto encoding: not canonical base64url"),
    "header not JSON": ("Invalid header string: Expecting value: line 1 column 1 (char 0)",
                        "Invalid header string: Expecting value: char 0"),
    "unsupported alg": ("The specified alg value is not allowed", "Invalid or unsupported algorithm: HS1."),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_MESSAGES))
def test_malformed_token_messages_name_the_defect(case: str) -> None:
    """A malformed token is a JWTError in both, but core's message names the defect it checked (segment count,
    which segment's encoding, the algorithm) where python-jose's names whatever step failed next."""
    token = _malformed()[case]
    jose_message, core_message = MALFORMED_MESSAGES[case]
    with pytest.raises(JoseError) as jose_err:
        jose_decode(token, algorithms=["HS256"])
    with pytest.raises(core_jwt.JWTError) as core_err:
        CORE.decode(token, KEY, algorithms=["HS256"])
    assert (str(jose_err.value), str(core_err.value)) == (jose_message, core_message)

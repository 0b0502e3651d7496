"""core.jwt accepts or rejects exactly as python-jose 3.5.0 does, with the same exception class.

Scenarios are generated around a frozen clock: valid, expired, not-yet-valid, wrong audience/issuer/subject,
missing required claims, tampered, wrong key and disallowed algorithm tokens, under random options. The
deliberate deviations (docs/compatibility.md) are excluded here by construction and pinned one by one in
test_jwt_deviations.py.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from jose import jwt as jose_jwt
from jose.exceptions import ExpiredSignatureError as JoseExpired
from jose.exceptions import JWTClaimsError as JoseClaims
from jose.exceptions import JWTError as JoseError

from core import jwt as core_jwt

NOW = 1_700_000_000
KEY = "k" * 64
OTHER_KEY = "o" * 64


class FrozenDatetime(datetime):
    """python-jose reads the clock through jose.jwt.datetime.now(UTC)."""

    @classmethod
    def now(cls, tz: Any = None) -> FrozenDatetime:  # type: ignore[override]
        return cls.fromtimestamp(NOW, tz)


CORE = core_jwt.JWT(clock=lambda: NOW)


def outcome(call: Any, errors: tuple[type[Exception], type[Exception], type[Exception]]) -> tuple[str, Any]:
    expired, claims_error, base = errors
    try:
        return ("ok", call())
    except expired:
        return ("expired", None)
    except claims_error:
        return ("claims", None)
    except base:
        return ("error", None)


offsets = st.sampled_from([-100_000, -10, -3, -2, -1, 0, 1, 2, 3, 10, 100_000])
claim_sets = st.fixed_dictionaries(
    {},
    optional={
        "exp": offsets.map(lambda d: NOW + d),
        "nbf": offsets.map(lambda d: NOW + d),
        "iat": offsets.map(lambda d: NOW + d) | st.floats(0, 2e9),
        "aud": st.sampled_from(["api", "web", 7]) | st.lists(st.sampled_from(["api", "web"]), max_size=2),
        "iss": st.sampled_from(["leancore", "evil"]),
        "sub": st.sampled_from(["u1", "u2"]) | st.just(5),
        "jti": st.sampled_from(["j1"]) | st.just(3),
        "role": st.sampled_from(["admin", "user"]),
    },
)
flags = ["signature", "aud", "iat", "exp", "nbf", "iss", "sub", "jti", "at_hash"]
option_sets = st.none() | st.fixed_dictionaries(
    {},
    optional={
        **{f"verify_{f}": st.booleans() for f in flags},
        **{f"require_{f}": st.booleans() for f in flags[1:]},
        "leeway": st.sampled_from([0, 1, 2, timedelta(seconds=3)]),
    },
)


@settings(max_examples=2_000)
@given(
    claims=claim_sets,
    options=option_sets,
    audience=st.none() | st.sampled_from(["api", "web"]),
    issuer=st.none() | st.sampled_from(["leancore", ("leancore", "other"), ["x"]]),
    subject=st.none() | st.sampled_from(["u1", "u2"]),
    alg=st.sampled_from(["HS256", "HS384", "HS512"]),
    algorithms=st.none() | st.sampled_from([["HS256"], ["HS256", "HS384", "HS512"], ["HS512"]]),
    mutation=st.sampled_from(["none", "none", "signature", "payload", "wrong_key"]),
)
def test_accept_reject_matches_python_jose(
    claims: dict[str, Any],
    options: dict[str, Any] | None,
    audience: str | None,
    issuer: Any,
    subject: str | None,
    alg: str,
    algorithms: list[str] | None,
    mutation: str,
) -> None:
    """Same verdict and exception class (expired / claims / other JWTError) as python-jose, same claims."""
    opts = options or {}
    leeway = opts.get("leeway", 0)
    leeway = leeway.total_seconds() if isinstance(leeway, timedelta) else leeway

    def effective(flag: str) -> bool:
        return bool(opts.get(f"verify_{flag}", True) or opts.get(f"require_{flag}", False))

    # Deliberate deviations, pinned in test_jwt_deviations.py:
    assume(not (effective("exp") and claims.get("exp") == NOW - leeway))  # exp == now is expired
    assume(not (effective("aud") and audience is not None and "aud" not in claims))  # expected aud must exist
    assume(not (effective("sub") and subject is not None and "sub" not in claims))  # expected sub must exist
    # jose skips the algorithm allow-list when verify_signature is False; core never does.
    assume(opts.get("verify_signature", True) or algorithms is None or alg in algorithms)

    token = CORE.encode(claims, KEY, algorithm=alg)
    key = KEY
    if mutation == "signature":
        head, body, sig = token.split(".")
        token = f"{head}.{body}.{'A' if sig[0] != 'A' else 'B'}{sig[1:]}"
    elif mutation == "payload":
        head, _, sig = token.split(".")
        forged = base64.urlsafe_b64encode(json.dumps({**claims, "role": "root"}).encode()).rstrip(b"=").decode()
        token = f"{head}.{forged}.{sig}"
    elif mutation == "wrong_key":
        key = OTHER_KEY

    kwargs = {"algorithms": algorithms, "options": options, "audience": audience, "issuer": issuer,
              "subject": subject}
    with mock.patch("jose.jwt.datetime", FrozenDatetime):
        theirs = outcome(lambda: jose_jwt.decode(token, key, **kwargs), (JoseExpired, JoseClaims, JoseError))
    ours = outcome(
        lambda: CORE.decode(token, key, **kwargs),
        (core_jwt.ExpiredSignatureError, core_jwt.JWTClaimsError, core_jwt.JWTError),
    )
    assert ours == theirs


# -- messages: the texts callers of python-jose match on -----------------------------------------------------------


def _signed(header: bytes, payload: bytes, key: str = KEY) -> str:
    import hashlib
    import hmac

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = f"{b64(header)}.{b64(payload)}"
    return f"{signing_input}.{b64(hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest())}"


def _enc(claims: dict[str, Any], **kwargs: Any) -> str:
    return CORE.encode(claims, KEY, **kwargs)


# (token, decode keyword arguments, python-jose's message): every claim and envelope error whose text core keeps.
MESSAGE_SCENARIOS = [
    (_enc({"exp": NOW - 1}), {}, "Signature has expired."),
    (_enc({"exp": NOW - 3}), {"options": {"leeway": 2}}, "Signature has expired."),
    (_enc({"nbf": NOW + 10}), {}, "The token is not yet valid (nbf)"),
    (_enc({"nbf": NOW + 3}), {"options": {"leeway": timedelta(seconds=2)}}, "The token is not yet valid (nbf)"),
    (_enc({"iat": "abc"}), {}, "Issued At claim (iat) must be an integer."),
    (_enc({"nbf": "abc"}), {}, "Not Before claim (nbf) must be an integer."),
    (_enc({"exp": "abc"}), {}, "Expiration Time claim (exp) must be an integer."),
    (_enc({"aud": "x"}), {"audience": "y"}, "Invalid audience"),
    (_enc({"aud": ["x", "z"]}), {"audience": "y"}, "Invalid audience"),
    (_enc({"aud": "x"}), {}, "Invalid audience"),
    (_enc({"aud": 5}), {"audience": "y"}, "Invalid claim format in token"),
    (_enc({"aud": {"x": 1}}), {"audience": "y"}, "Invalid claim format in token"),
    (_enc({"aud": ["x", 5]}), {"audience": "x"}, "Invalid claim format in token"),
    (_enc({"iss": "x"}), {"issuer": "y"}, "Invalid issuer"),
    (_enc({"iss": "x"}), {"issuer": ["y", "z"]}, "Invalid issuer"),
    (_enc({"iss": "x"}), {"issuer": ("y",)}, "Invalid issuer"),
    (_enc({}), {"issuer": "y"}, "Invalid issuer"),
    (_enc({"sub": 5}), {}, "Subject must be a string."),
    (_enc({"sub": 5}), {"subject": "5"}, "Subject must be a string."),
    (_enc({"sub": "a"}), {"subject": "b"}, "Invalid subject"),
    (_enc({"jti": 5}), {}, "JWT ID must be a string."),
    (_enc({"jti": ["j"]}), {}, "JWT ID must be a string."),
    (_enc({"a": 1}, access_token="at"), {}, "No access_token provided to compare against at_hash claim."),
    (_enc({"a": 1}, access_token="at"), {"access_token": ""},
     "No access_token provided to compare against at_hash claim."),
    (_enc({"a": 1}, access_token="at"), {"access_token": "other"}, "at_hash claim does not match access_token."),
    (_enc({"a": 1}, access_token="at", algorithm="HS512"), {"access_token": "at", "algorithms": ["HS256"]},
     "The specified alg value is not allowed"),
    (_enc({}), {"options": {"require_exp": True}}, 'missing required key "exp" among claims'),
    (_enc({"exp": NOW + 9}), {"options": {"require_iat": True, "require_exp": True}},
     'missing required key "iat" among claims'),
    (_enc({}), {"options": {"require_aud": True}}, 'missing required key "aud" among claims'),
    (_enc({}), {"options": {"require_iss": True}}, 'missing required key "iss" among claims'),
    (_enc({}), {"options": {"require_sub": True}}, 'missing required key "sub" among claims'),
    (_enc({}), {"options": {"require_jti": True}}, 'missing required key "jti" among claims'),
    (_enc({}), {"options": {"require_nbf": True}}, 'missing required key "nbf" among claims'),
    (_enc({}), {"options": {"require_at_hash": True}}, 'missing required key "at_hash" among claims'),
    (_enc({}), {"options": {"require_custom": True}}, 'missing required key "custom" among claims'),
    (_enc({}), {"audience": ["x"]}, "audience must be a string or None"),
    (_enc({}), {"audience": 5}, "audience must be a string or None"),
    (_enc({"a": 1})[:-2] + "AA", {}, "Signature verification failed."),
    (_enc({}), {"algorithms": ["HS512"]}, "The specified alg value is not allowed"),
    (_enc({}), {"algorithms": "HS512"}, "The specified alg value is not allowed"),
    (_enc({}, algorithm="HS384"), {"algorithms": ("HS256", "HS512")}, "The specified alg value is not allowed"),
    (_signed(b'{"typ":"JWT"}', b"{}"), {}, "No algorithm was specified in the JWS header."),
    (_signed(b'{"alg":""}', b"{}"), {}, "No algorithm was specified in the JWS header."),
    (_signed(b"[1]", b"{}"), {}, "Invalid header string: must be a json object"),
    (_signed(b'{"alg":"HS256"}', b"[1]"), {}, "Invalid payload string: must be a json object"),
]


@pytest.mark.parametrize(("token", "kwargs", "message"), MESSAGE_SCENARIOS)
def test_error_messages_match_python_jose(token: str, kwargs: dict[str, Any], message: str) -> None:
    """Where core keeps python-jose's check, it raises python-jose's exact message (what callers match on), with a
    class python-jose's caller catches the same way (expired / claims error / other JWTError)."""
    key = kwargs.pop("key", KEY)
    with mock.patch("jose.jwt.datetime", FrozenDatetime), pytest.raises(JoseError) as theirs:
        jose_jwt.decode(token, key, **kwargs)
    with pytest.raises(core_jwt.JWTError) as ours:
        CORE.decode(token, key, **kwargs)
    assert str(theirs.value) == message
    assert str(ours.value) == message
    for jose_class, core_class in ((JoseExpired, core_jwt.ExpiredSignatureError),
                                   (JoseClaims, core_jwt.JWTClaimsError)):
        assert isinstance(theirs.value, jose_class) == isinstance(ours.value, core_class)


def test_at_hash_with_an_unencodable_access_token_has_python_joses_message() -> None:
    """An access token python-jose cannot hash (a lone surrogate): both raise a claims error saying so."""
    token = _enc({"a": 1}, access_token="at")
    message = "Unable to calculate at_hash to verify against token claims."
    with mock.patch("jose.jwt.datetime", FrozenDatetime), pytest.raises(JoseClaims, match=message):
        jose_jwt.decode(token, KEY, access_token="\ud800")
    with pytest.raises(core_jwt.InvalidAccessTokenHashError, match=message):
        CORE.decode(token, KEY, access_token="\ud800")

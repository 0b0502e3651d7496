"""core.jwt against python-jose 3.5.0 and PyJWT 2.15: byte-identical encoding and decoding in both directions."""

from __future__ import annotations

import base64
import copy
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt as pyjwt
from hypothesis import given
from hypothesis import strategies as st
from jose import jwt as jose_jwt

from core import jwt as core_jwt

ALGS = ["HS256", "HS384", "HS512"]

json_scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text(max_size=12) | st.floats(
    allow_nan=False, allow_infinity=False
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
# Registered claims are left to the differential tests; here the claim set is arbitrary JSON plus datetimes.
custom_claims = st.dictionaries(
    st.text(max_size=10).filter(lambda k: k not in {"exp", "iat", "nbf", "aud", "iss", "sub", "jti", "at_hash"}),
    json_values,
    max_size=6,
)
datetimes = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)) | st.datetimes(
    min_value=datetime(1971, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(timezone(timedelta(hours=-7)))
)
secrets = st.binary(min_size=64, max_size=96) | st.text(min_size=64, max_size=80)


def as_jwk(secret: bytes | str) -> dict[str, str]:
    raw = secret.encode() if isinstance(secret, str) else secret
    return {"kty": "oct", "k": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()}


keys = secrets | secrets.map(as_jwk)
headers = st.none() | st.dictionaries(
    st.sampled_from(["kid", "typ", "cty", "x-custom"]), st.text(max_size=10), max_size=3
)


@given(
    claims=custom_claims,
    times=st.dictionaries(st.sampled_from(["exp", "iat", "nbf"]), datetimes | st.integers(0, 2**40), max_size=3),
    key=keys,
    alg=st.sampled_from(ALGS),
    hdrs=headers,
    access_token=st.none() | st.text(min_size=1, max_size=20),
)
def test_encode_is_byte_identical_to_python_jose(
    claims: dict[str, Any], times: dict[str, Any], key: Any, alg: str, hdrs: Any, access_token: str | None
) -> None:
    """For the same claims, key, algorithm, headers and access token, core.jwt.encode == jose.jwt.encode."""
    claims = {**claims, **times}
    ours = core_jwt.encode(claims, key, algorithm=alg, headers=hdrs, access_token=access_token)
    # python-jose mutates the claims it is given (datetimes, at_hash): hand it a copy.
    theirs = jose_jwt.encode(copy.deepcopy(claims), key, algorithm=alg, headers=hdrs, access_token=access_token)
    assert ours == theirs


@given(claims=custom_claims, secret=secrets, alg=st.sampled_from(ALGS), audience=st.none() | st.text(max_size=8))
def test_core_tokens_decode_in_jose_and_pyjwt(claims: dict[str, Any], secret: Any, alg: str, audience: Any) -> None:
    """A token made by core decodes to the same claims in python-jose and in PyJWT."""
    now = int(datetime.now(timezone.utc).timestamp())
    claims = {**claims, "exp": now + 600, "iat": now - 10, "nbf": now - 10, "iss": "leancore"}
    if audience is not None:
        claims["aud"] = [audience, "other"]
    token = core_jwt.encode(claims, secret, algorithm=alg)
    assert jose_jwt.decode(token, secret, algorithms=[alg], audience=audience, issuer="leancore") == claims
    assert pyjwt.decode(token, secret, algorithms=[alg], audience=audience, issuer="leancore") == claims


@given(claims=custom_claims, secret=secrets, alg=st.sampled_from(ALGS), kid=st.none() | st.text(max_size=5))
def test_jose_and_pyjwt_tokens_decode_in_core(claims: dict[str, Any], secret: Any, alg: str, kid: Any) -> None:
    """Tokens made by python-jose and by PyJWT decode in core to the claims they were made from."""
    now = int(datetime.now(timezone.utc).timestamp())
    claims = {**claims, "exp": now + 600, "iat": now - 10, "sub": "user-1"}
    hdrs = {"kid": kid} if kid is not None else None
    for token in (
        jose_jwt.encode(copy.deepcopy(claims), secret, algorithm=alg, headers=hdrs),
        pyjwt.encode(copy.deepcopy(claims), secret, algorithm=alg, headers=hdrs),
    ):
        assert core_jwt.decode(token, secret, algorithms=[alg], subject="user-1") == claims
        assert core_jwt.get_unverified_header(token)["alg"] == alg

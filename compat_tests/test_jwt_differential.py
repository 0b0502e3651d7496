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

"""The tokens and scenarios of the JWT release contract, shared by test_jose.py and test_pyjwt.py.

Fixed data rather than hypothesis: the contract runs on every release env, and a fixed set keeps each env to a
second of tests while still covering each algorithm, str and bytes keys, extra headers, datetimes, nested and
non-ASCII claims. The broad generated comparison stays on the newest pins (compat_tests/test_jwt_interop.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from compat_tests._tokens import DecodeOptions

# 64 bytes: no HMAC key-length warning on any algorithm, in any library (RFC 7518 §3.2 asks 32/48/64 bytes)
KEY = "k" * 40 + "-release-contract-secret"
BYTES_KEY = bytes(range(64))
FAR = 4_000_000_000  # 2096: unexpired on the real clock, which python-jose's and PyJWT's own decode calls read
NOW = 1_900_000_000  # the frozen clock of the scenarios below


class Case(NamedTuple):
    name: str
    claims: dict[str, Any]
    key: str | bytes
    algorithm: str
    headers: dict[str, Any] | None


CASES = [
    Case("minimal", {"sub": "user-1"}, KEY, "HS256", None),
    Case("registered", {"sub": "user-42", "exp": FAR, "iat": 1_700_000_000, "nbf": 1_700_000_000,
                        "iss": "https://issuer.example", "aud": "api", "jti": "j-1"}, KEY, "HS256", None),
    Case("hs384-bytes-key", {"sub": "u", "scope": "read write"}, BYTES_KEY, "HS384", None),
    Case("hs512-kid", {"sub": "u", "exp": FAR}, KEY, "HS512", {"kid": "key-2026"}),
    Case("headers", {"sub": "u"}, KEY, "HS256", {"kid": "k", "cty": "x-custom", "typ": "JWT"}),
    Case("unicode-nested", {"name": "Zoë 🙂", "roles": ["admin", "x"], "meta": {"a": [1, 2.5, None, True]}},
         KEY, "HS256", None),
    Case("audience-list", {"sub": "u", "aud": ["api", "web"]}, BYTES_KEY, "HS512", None),
    Case("datetimes", {"sub": "u", "exp": datetime(2090, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
                       "iat": datetime(2020, 1, 1, 12, 0, 0), "nbf": datetime(2020, 1, 1, 5, tzinfo=timezone(
                           timedelta(hours=-7)))}, KEY, "HS256", None),
    Case("many-claims", {f"c{i}": i * 7 for i in range(60)}, KEY, "HS384", None),
]


def decode_kwargs(claims: dict[str, Any]) -> dict[str, Any]:
    """The audience and issuer a consumer of these claims passes (both libraries check them the same way)."""
    aud = claims.get("aud")
    return {"audience": aud[0] if isinstance(aud, list) else aud, "issuer": claims.get("iss")}


def expected_claims(claims: dict[str, Any]) -> dict[str, Any]:
    """The claims as every library returns them after decoding: datetimes as whole seconds since the epoch."""
    out = {}
    for name, value in claims.items():
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
            out[name] = int(aware.timestamp())
        else:
            out[name] = value
    return out


class Scenario(NamedTuple):
    name: str
    claims: dict[str, Any]
    signed_with: str
    options: DecodeOptions


_OPTS = DecodeOptions(algorithms=("HS256",), audience="api", issuer="iss-1", leeway=0, now=NOW)
_OK = {"sub": "u", "aud": "api", "iss": "iss-1", "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 600}
# The decisions a migration depends on: the same accept/refuse and the same class, on the frozen clock.
SCENARIOS = [
    Scenario("valid", _OK, KEY, _OPTS),
    Scenario("expired", {**_OK, "exp": NOW - 1}, KEY, _OPTS),
    Scenario("expired-within-leeway", {**_OK, "exp": NOW - 5}, KEY, _OPTS._replace(leeway=30)),
    Scenario("not-yet-valid", {**_OK, "nbf": NOW + 60}, KEY, _OPTS),
    Scenario("wrong-signature", _OK, "another-key-" + "x" * 52, _OPTS),
    Scenario("wrong-audience", {**_OK, "aud": "other"}, KEY, _OPTS),
    Scenario("wrong-issuer", {**_OK, "iss": "iss-2"}, KEY, _OPTS),
    Scenario("algorithm-not-allowed", _OK, KEY, _OPTS._replace(algorithms=("HS512",))),
    Scenario("no-audience-expected", {**_OK, "aud": "api"}, KEY, _OPTS._replace(audience=None)),
]

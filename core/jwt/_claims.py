"""Validation of registered claims, one small function per claim, with ``now`` injected.

Order and options follow python-jose 3.5.0 exactly (so the first problem found has the same exception class);
the checks themselves are stricter where python-jose is unsafe, each listed in docs/compatibility.md.
"""

from __future__ import annotations

import sys
from _collections_abc import Mapping  # collections.abc without importing the collections package

from core.jwt._codec import b64url_encode
from core.jwt.exceptions import (
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAccessTokenHashError,
    InvalidAudienceError,
    InvalidClaimTypeError,
    InvalidIssuerError,
    InvalidSubjectError,
    JWTError,
    MissingRequiredClaimError,
)

TYPE_CHECKING = False  # typing costs import time (Workers startup budget); annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any


# python-jose 3.5.0's option names and defaults, unchanged.
DEFAULT_OPTIONS: Mapping[str, Any] = {
    "verify_signature": True,
    "verify_aud": True,
    "verify_iat": True,
    "verify_exp": True,
    "verify_nbf": True,
    "verify_iss": True,
    "verify_sub": True,
    "verify_jti": True,
    "verify_at_hash": True,
    "require_aud": False,
    "require_iat": False,
    "require_exp": False,
    "require_nbf": False,
    "require_iss": False,
    "require_sub": False,
    "require_jti": False,
    "require_at_hash": False,
    "leeway": 0,
}

# A NumericDate beyond 9999-12-31T23:59:59Z cannot be a real time, and converting it to a datetime overflows.
MAX_NUMERIC_DATE = 253_402_300_799
# Finite means within these bounds (NaN fails every comparison). Comparisons rather than math.isfinite: math is a
# shared library on CPython (~0.16 ms of `import core.jwt` on CPython 3.11, python -X importtime), and isfinite
# raises OverflowError for an int beyond a float's range.
_FLOAT_MAX = sys.float_info.max

# The hash behind each algorithm: the MAC's (core.jwt._api) and at_hash's.
HASH_FOR_ALG = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}


def merge_options(options: Mapping[str, Any] | None, base: Mapping[str, Any] = DEFAULT_OPTIONS) -> dict[str, Any]:
    """The effective options: ``base`` (jose's defaults) updated with the caller's; neither mapping is mutated."""
    merged = dict(base)
    if options:
        if not isinstance(options, Mapping):
            raise JWTError("options must be a mapping")
        merged.update(options)
    return merged


# The verify_* options in the order python-jose runs their checks (validate_claims unpacks them in this order).
_CHECKS = ("verify_iat", "verify_nbf", "verify_exp", "verify_aud", "verify_iss", "verify_sub", "verify_jti",
           "verify_at_hash")
_REQUIRES = tuple((name, name[len("require_") :]) for name in DEFAULT_OPTIONS if name.startswith("require_"))


def required_claims(options: Mapping[str, Any]) -> list[str]:
    """The claims merged options require, in python-jose's order: the merged dict's, which holds every default key
    first (``merge_options`` copies them) and then any ``require_<claim>`` the caller added, in the caller's order."""
    required = [claim for name, claim in _REQUIRES if options[name]]
    required += [k[len("require_") :] for k, value in options.items()
                 if isinstance(k, str) and k.startswith("require_") and k not in DEFAULT_OPTIONS and value]
    return required


class ClaimOptions:
    """Merged options compiled for ``validate_claims``: what to verify, what to require, the leeway.

    Compiled once per options mapping (``core.jwt.JWT`` does it at construction, and once per distinct per-call
    ``options``), so a decode only reads these fields. A required claim is also verified (python-jose's rule), so
    ``checks`` already has its ``verify_<claim>`` on. An invalid leeway is kept as its message and raised where
    python-jose raises it: when the claims are validated, after the signature.
    """

    __slots__ = ("checks", "leeway", "leeway_error", "required", "verify_signature")

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.verify_signature = bool(options.get("verify_signature", True))
        self.required = tuple(required_claims(options))
        verified = {"verify_" + claim for claim in self.required}
        self.checks = tuple(bool(options[name]) or name in verified for name in _CHECKS)
        self.leeway: float = 0
        self.leeway_error: str | None = None
        try:
            self.leeway = leeway_seconds(options.get("leeway", 0))
        except JWTError as exc:
            self.leeway_error = str(exc)


def leeway_seconds(leeway: Any) -> float:
    datetime_module = sys.modules.get("datetime")  # a timedelta exists only if its module is loaded
    if datetime_module is not None and isinstance(leeway, datetime_module.timedelta):
        return float(leeway.total_seconds())
    if isinstance(leeway, int) and not isinstance(leeway, bool):  # however large (python-jose accepts it too)
        return leeway
    if isinstance(leeway, float) and -_FLOAT_MAX <= leeway <= _FLOAT_MAX:
        return leeway
    raise JWTError("leeway must be a number of seconds or a timedelta")


def numeric_date(claims: Mapping[str, Any], name: str, label: str) -> float:
    """The claim as a finite, in-range number; null, bool, string, list and object are refused (RFC 7519 §2)."""
    value = claims[name]
    if value.__class__ is int and -MAX_NUMERIC_DATE <= value <= MAX_NUMERIC_DATE:  # what every real token holds
        return value
    # NaN and the infinities fail the range test; an int too large for a float compares exactly (no OverflowError).
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not -MAX_NUMERIC_DATE <= value <= MAX_NUMERIC_DATE
    ):
        raise InvalidClaimTypeError(f"{label} claim ({name}) must be an integer.")
    return value


def access_token_hash(access_token: str, algorithm: str) -> str:
    """OpenID Connect ``at_hash``: base64url of the left half of the token's hash (Core 1.0 §3.1.3.6)."""
    import hashlib  # at_hash is rare; the MAC (core.jwt._mac) has loaded hashlib by the time a token is decoded

    digest = hashlib.new(HASH_FOR_ALG[algorithm], access_token.encode("utf-8")).digest()
    return b64url_encode(digest[: len(digest) // 2]).decode("ascii")


def _validate_iat(claims: Mapping[str, Any]) -> None:
    if "iat" in claims:
        numeric_date(claims, "iat", "Issued At")


def _validate_nbf(claims: Mapping[str, Any], now: int, leeway: float) -> None:
    # python-jose compares whole seconds (int(nbf)); a fractional nbf within the current second passes. (`// 1` is
    # math.floor for the in-range numbers numeric_date returns, as an int or an integral float.)
    if "nbf" in claims and numeric_date(claims, "nbf", "Not Before") // 1 > now + leeway:
        raise ImmatureSignatureError("The token is not yet valid (nbf)")


def _validate_exp(claims: Mapping[str, Any], now: int, leeway: float) -> None:
    # RFC 7519 §4.1.4: the token MUST NOT be accepted "on or after" exp, so exp == now is expired.
    if "exp" in claims and numeric_date(claims, "exp", "Expiration Time") <= now - leeway:
        raise ExpiredSignatureError("Signature has expired.")


def _validate_aud(claims: Mapping[str, Any], audience: str | None) -> None:
    if "aud" not in claims:
        # python-jose accepts a token without aud even when the caller expects one; a token minted for any
        # audience (or none) would then pass. Refused, as PyJWT does.
        if audience is not None:
            raise InvalidAudienceError("Audience claim expected, but not in claims")
        return
    audiences = claims["aud"]
    if isinstance(audiences, str):  # the usual single audience, without building a list for it
        if audiences != audience:
            raise InvalidAudienceError("Invalid audience")
        return
    if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
        raise InvalidAudienceError("Invalid claim format in token")
    if audience not in audiences:
        raise InvalidAudienceError("Invalid audience")


def _validate_iss(claims: Mapping[str, Any], issuer: str | Iterable[str] | None) -> None:
    if issuer is None:
        return
    iss = claims.get("iss")
    if isinstance(issuer, str):
        if not isinstance(iss, str) or iss != issuer:
            raise InvalidIssuerError("Invalid issuer")
        return
    try:
        accepted = tuple(issuer)
    except TypeError as exc:
        raise JWTError("issuer must be a string or an iterable of strings") from exc
    if not isinstance(iss, str) or iss not in accepted:
        raise InvalidIssuerError("Invalid issuer")


def _validate_sub(claims: Mapping[str, Any], subject: str | None) -> None:
    if "sub" not in claims:
        # Same reasoning as for aud: an expected subject must be present.
        if subject is not None:
            raise InvalidSubjectError("Subject claim expected, but not in claims")
        return
    if not isinstance(claims["sub"], str):
        raise InvalidSubjectError("Subject must be a string.")
    if subject is not None and claims["sub"] != subject:
        raise InvalidSubjectError("Invalid subject")


def _validate_jti(claims: Mapping[str, Any]) -> None:
    if "jti" in claims and not isinstance(claims["jti"], str):
        raise InvalidClaimTypeError("JWT ID must be a string.")


def _validate_at_hash(claims: Mapping[str, Any], access_token: str | None, algorithm: str) -> None:
    if "at_hash" not in claims:
        return
    if not access_token:
        raise InvalidAccessTokenHashError("No access_token provided to compare against at_hash claim.")
    try:
        expected = access_token_hash(access_token, algorithm) if isinstance(access_token, str) else None
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form (python-jose: the message below too)
        expected = None
    if expected is None:
        raise InvalidAccessTokenHashError("Unable to calculate at_hash to verify against token claims.")
    if claims["at_hash"] != expected:
        raise InvalidAccessTokenHashError("at_hash claim does not match access_token.")


def validate_claims(
    claims: Mapping[str, Any],
    *,
    options: ClaimOptions,
    now: int,
    algorithm: str,
    audience: str | None,
    issuer: str | Iterable[str] | None,
    subject: str | None,
    access_token: str | None,
) -> None:
    """Run every enabled check in python-jose's order: required claims first, then the verify_* checks."""
    if audience is not None and not isinstance(audience, str):
        raise JWTError("audience must be a string or None")
    if options.leeway_error is not None:
        raise JWTError(options.leeway_error)
    for claim in options.required:
        if claim not in claims:
            raise MissingRequiredClaimError(claim)
    on_iat, on_nbf, on_exp, on_aud, on_iss, on_sub, on_jti, on_at_hash = options.checks
    leeway = options.leeway
    # python-jose's order. A check whose claim is absent (and of which nothing is expected) passes trivially, so
    # it is not called: most tokens carry three or four of these claims.
    if on_iat and "iat" in claims:
        _validate_iat(claims)
    if on_nbf and "nbf" in claims:
        _validate_nbf(claims, now, leeway)
    if on_exp and "exp" in claims:
        _validate_exp(claims, now, leeway)
    if on_aud:
        _validate_aud(claims, audience)
    if on_iss and issuer is not None:
        _validate_iss(claims, issuer)
    if on_sub and (subject is not None or "sub" in claims):
        _validate_sub(claims, subject)
    if on_jti and "jti" in claims:
        _validate_jti(claims)
    if on_at_hash and "at_hash" in claims:
        _validate_at_hash(claims, access_token, algorithm)

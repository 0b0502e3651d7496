"""Which documented deviation explains a difference between core and a reference on one token.

Each rule looks at what the token holds (read leniently, without verification) and at the three outcomes, and
names the anchor of its row in docs/compatibility.md. A difference no rule explains is a disagreement: the CLI
exits 1 on it. Rules are specific on purpose (the class core raised *and* the token's content), so a new kind of
difference is never hidden by a broad rule.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable
from typing import Any

from compat_tests._tokens import DecodeOptions, Outcome

DOCS = "docs/compatibility.md"


class Token:
    """The token's header and claims as a lenient reader sees them (None where they do not parse)."""

    def __init__(self, token: str) -> None:
        self.raw = token
        self.segments = token.split(".")
        self.header = self._json(0)
        self.claims = self._json(1)

    def _json(self, index: int) -> dict[str, Any] | None:
        if len(self.segments) != 3:
            return None
        try:
            segment = self.segments[index]
            value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
        except (ValueError, binascii.Error, RecursionError):
            return None
        return value if isinstance(value, dict) else None

    def canonical_base64(self) -> bool:
        """Every segment is unpadded base64url that re-encodes to itself (RFC 7515 §2)."""
        if len(self.segments) != 3:
            return False
        for segment in self.segments:
            try:
                decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
            except (ValueError, binascii.Error):
                return False
            if base64.urlsafe_b64encode(decoded).rstrip(b"=").decode() != segment:
                return False
        return True


Context = tuple[Token, str | bytes, DecodeOptions, dict[str, Outcome], str]
Rule = Callable[[Context], bool]


def _core(ctx: Context) -> Outcome:
    return ctx[3]["core"]


def _ref(ctx: Context) -> Outcome:
    return ctx[3][ctx[4]]


def _claim(ctx: Context, name: str) -> Any:
    claims = ctx[0].claims
    return claims.get(name) if claims else None


def _now(ctx: Context) -> int:
    import time

    return ctx[2].now if ctx[2].now is not None else int(time.time())


def _exp_equals_now(ctx: Context) -> bool:
    exp = _claim(ctx, "exp")
    return (_core(ctx).error == "ExpiredSignatureError" and _ref(ctx).accepted
            and isinstance(exp, (int, float)) and exp + ctx[2].leeway == _now(ctx))


def _non_canonical_base64(ctx: Context) -> bool:
    return _core(ctx).error == "MalformedTokenError" and not ctx[0].canonical_base64()


def _strict_json(ctx: Context) -> bool:
    """core refused the JSON (NaN, Infinity, repeated member, deep nesting) that a lenient reader parses."""
    return (_core(ctx).error in ("MalformedTokenError", "InvalidClaimTypeError") and ctx[0].canonical_base64()
            and ctx[0].header is not None and ctx[0].claims is not None)


def _claim_type(ctx: Context) -> bool:
    return _core(ctx).error == "InvalidClaimTypeError"


def _missing_expected_claim(ctx: Context) -> bool:
    error, aud = _core(ctx).error, _claim(ctx, "aud")
    return ((error == "InvalidAudienceError" and ctx[2].audience is not None and aud in (None, []))
            or (error == "InvalidSubjectError" and _claim(ctx, "sub") is None))


def _key_is_json(ctx: Context) -> bool:
    key = ctx[1]
    try:
        json.loads(key)
    except ValueError:
        return False
    return ctx[4] == "python-jose"


def _empty_key(ctx: Context) -> bool:
    return _core(ctx).error == "InvalidKeyError" and len(ctx[1]) == 0


def _too_large(part: str) -> Rule:
    return lambda ctx: _core(ctx).error == "TokenTooLargeError" and (
        ("header" in (_core(ctx).message or "")) == (part == "header"))


def _pyjwt_future_iat(ctx: Context) -> bool:
    iat = _claim(ctx, "iat")
    return (ctx[4] == "PyJWT" and _core(ctx).accepted and _ref(ctx).error == "ImmatureSignatureError"
            and isinstance(iat, (int, float)) and iat > _now(ctx) + ctx[2].leeway)


def _pyjwt_fractional_exp(ctx: Context) -> bool:
    exp = _claim(ctx, "exp")
    return (ctx[4] == "PyJWT" and _core(ctx).accepted and _ref(ctx).error == "ExpiredSignatureError"
            and isinstance(exp, float) and math.isfinite(exp) and int(exp) <= _now(ctx) - ctx[2].leeway)


def _pyjwt_kid_type(ctx: Context) -> bool:
    kid = ctx[0].header.get("kid") if ctx[0].header else None
    return ctx[4] == "PyJWT" and _core(ctx).accepted and kid is not None and not isinstance(kid, str)


def _old_pyjwt_string_claims(ctx: Context) -> bool:
    """PyJWT before 2.10 accepts a non-string sub / jti that python-jose, later PyJWT and core refuse."""
    return (ctx[4] == "PyJWT" and _ref(ctx).accepted and _core(ctx).error in ("InvalidSubjectError",
                                                                              "InvalidClaimTypeError")
            and any(_claim(ctx, c) is not None and not isinstance(_claim(ctx, c), str) for c in ("sub", "jti")))


def _crit(ctx: Context) -> bool:
    return _core(ctx).error == "UnsupportedCriticalHeaderError"


# (anchor, rule), tried in order; the first rule that holds names the difference.
RULES: list[tuple[str, Rule]] = [
    ("jwt-empty-key", _empty_key),
    ("jwt-str-key", _key_is_json),
    ("jwt-token-size", _too_large("token")),
    ("jwt-header-size", _too_large("header")),
    ("jwt-base64", _non_canonical_base64),
    ("jwt-crit", _crit),
    ("jwt-exp-now", _exp_equals_now),
    ("jwt-missing-aud", _missing_expected_claim),
    ("release-pyjwt-claim-types", _old_pyjwt_string_claims),
    ("jwt-claim-types", _claim_type),
    ("jwt-json", _strict_json),
    ("ref-pyjwt-iat", _pyjwt_future_iat),
    ("ref-pyjwt-exp-fraction", _pyjwt_fractional_exp),
    ("ref-pyjwt-kid", _pyjwt_kid_type),
]


def explain(token: Token, key: str | bytes, opts: DecodeOptions, outcomes: dict[str, Outcome],
            reference: str) -> str | None:
    """The anchor of the documented deviation behind core's difference with ``reference``, or None."""
    ctx: Context = (token, key, opts, outcomes, reference)
    for anchor, rule in RULES:
        if rule(ctx):
            return anchor
    return None

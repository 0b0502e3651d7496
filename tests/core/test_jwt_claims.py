"""core.jwt claim validation: python-jose's options and order, with the hardened checks pinned."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.jwt import (
    DEFAULT_OPTIONS,
    JWT,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAccessTokenHashError,
    InvalidAudienceError,
    InvalidClaimTypeError,
    InvalidIssuerError,
    InvalidSubjectError,
    JWTClaimsError,
    JWTError,
    MissingRequiredClaimError,
)
from core.jwt._claims import merge_options, required_claims

KEY = "s" * 32
NOW = 1_700_000_000
codec = JWT(clock=lambda: NOW)


def roundtrip(claims: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return codec.decode(codec.encode(claims, KEY), KEY, algorithms=["HS256"], **kwargs)


def test_default_options_are_python_joses() -> None:
    """The option names and defaults are exactly python-jose 3.5.0's."""
    verify = ["signature", "aud", "iat", "exp", "nbf", "iss", "sub", "jti", "at_hash"]
    expected = {f"verify_{c}": True for c in verify} | {f"require_{c}": False for c in verify[1:]} | {"leeway": 0}
    assert dict(DEFAULT_OPTIONS) == expected


@pytest.mark.parametrize(("exp", "valid"), [(NOW + 1, True), (NOW, False), (NOW - 1, False), (NOW + 0.5, True)])
def test_exp_at_now_is_expired(exp: float, valid: bool) -> None:
    """A token is expired on or after exp (RFC 7519 §4.1.4): exp == now is rejected."""
    if valid:
        assert roundtrip({"exp": exp})["exp"] == exp
    else:
        with pytest.raises(ExpiredSignatureError):
            roundtrip({"exp": exp})


@pytest.mark.parametrize("leeway", [10, 10.0, timedelta(seconds=10)])
def test_leeway_as_int_float_or_timedelta(leeway: Any) -> None:
    """leeway widens both exp and nbf by the same number of seconds, in any accepted form."""
    assert roundtrip({"exp": NOW - 5, "nbf": NOW + 5}, options={"leeway": leeway})
    with pytest.raises(ExpiredSignatureError):
        roundtrip({"exp": NOW - 10}, options={"leeway": leeway})


@pytest.mark.parametrize("leeway", ["10", None, True, float("inf"), [1]])
def test_bad_leeway_is_a_jwt_error(leeway: Any) -> None:
    """A leeway that is not a finite number or a timedelta raises JWTError, not TypeError."""
    with pytest.raises(JWTError):
        roundtrip({}, options={"leeway": leeway})


def test_nbf_in_future_is_immature() -> None:
    """nbf after now is rejected with a JWTClaimsError subclass; nbf == now passes."""
    assert roundtrip({"nbf": NOW})
    with pytest.raises(ImmatureSignatureError):
        roundtrip({"nbf": NOW + 1})
    assert issubclass(ImmatureSignatureError, JWTClaimsError)


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", [None, [1], True, "1700000000", {"a": 1}, 1e300, -1e300, 2**70])
def test_time_claims_of_wrong_type_or_range(claim: str, value: Any) -> None:
    """exp/nbf/iat that are null, bool, string, list, object or out of range raise JWTClaimsError."""
    with pytest.raises(InvalidClaimTypeError):
        roundtrip({claim: value})


def test_time_claims_not_checked_when_verification_is_off() -> None:
    """verify_exp/verify_nbf/verify_iat False skip those checks, as in python-jose."""
    options = {"verify_exp": False, "verify_nbf": False, "verify_iat": False}
    assert roundtrip({"exp": NOW - 100, "nbf": NOW + 100, "iat": "x"}, options=options)


def test_audience_rules() -> None:
    """aud must contain the expected audience; aud without audience, bad formats and list audiences fail."""
    assert roundtrip({"aud": "api"}, audience="api")
    assert roundtrip({"aud": ["x", "api"]}, audience="api")
    for claims, audience in [({"aud": "api"}, None), ({"aud": "x"}, "api"), ({"aud": 1}, "api"),
                             ({"aud": ["api", 1]}, "api"), ({"aud": []}, "api")]:
        with pytest.raises(InvalidAudienceError):
            roundtrip(claims, audience=audience)
    with pytest.raises(JWTError, match="audience must be a string"):
        roundtrip({"aud": "api"}, audience=["api"])


def test_expected_audience_missing_from_token_is_rejected() -> None:
    """When the caller expects an audience, a token without aud fails (python-jose accepts it)."""
    with pytest.raises(InvalidAudienceError):
        roundtrip({}, audience="api")


def test_issuer_rules() -> None:
    """iss must equal the issuer or be one of an iterable of issuers; missing iss fails when one is expected."""
    assert roundtrip({"iss": "me"}, issuer="me")
    assert roundtrip({"iss": "me"}, issuer=["you", "me"])
    assert roundtrip({"iss": "anyone"})
    for claims in [{"iss": "you"}, {}, {"iss": ["me"]}]:
        with pytest.raises(InvalidIssuerError):
            roundtrip(claims, issuer="me")
    with pytest.raises(JWTError):
        roundtrip({"iss": "me"}, issuer=5)  # type: ignore[arg-type]


def test_subject_rules() -> None:
    """sub must be a string and equal the expected subject; missing sub fails when one is expected."""
    assert roundtrip({"sub": "42"}, subject="42")
    for claims, subject in [({"sub": 42}, None), ({"sub": "41"}, "42"), ({}, "42")]:
        with pytest.raises(InvalidSubjectError):
            roundtrip(claims, subject=subject)


def test_jti_must_be_a_string() -> None:
    """A non-string jti is a claims error."""
    assert roundtrip({"jti": "abc"})
    with pytest.raises(InvalidClaimTypeError):
        roundtrip({"jti": 1})


def test_at_hash() -> None:
    """at_hash is computed on encode and must match the access token on decode."""
    token = codec.encode({"a": 1}, KEY, access_token="opaque")
    assert "at_hash" in codec.get_unverified_claims(token)
    assert codec.decode(token, KEY, access_token="opaque")
    for access_token in [None, "other", b"opaque"]:
        with pytest.raises(InvalidAccessTokenHashError):
            codec.decode(token, KEY, access_token=access_token)  # type: ignore[arg-type]


def test_required_claims_and_caller_options_untouched() -> None:
    """require_<claim> makes a missing claim a MissingRequiredClaimError; the options dict is not mutated."""
    options = {"require_exp": True, "require_custom": True, "verify_exp": False}
    snapshot = dict(options)
    with pytest.raises(MissingRequiredClaimError, match='"exp"'):
        roundtrip({"custom": 1}, options=options)
    with pytest.raises(ExpiredSignatureError):  # required => verified, even with verify_exp False
        roundtrip({"custom": 1, "exp": NOW - 1}, options=options)
    assert options == snapshot


_option_names = st.sampled_from(sorted(DEFAULT_OPTIONS)) | st.sampled_from(["require_custom", "require_", "requirex"])
_caller_options = st.dictionaries(_option_names | st.text(max_size=12) | st.integers(),
                                  st.booleans() | st.integers(-1, 2) | st.none() | st.text(max_size=2), max_size=8)


@given(_caller_options)
def test_required_claims_follow_python_joses_rule_and_order(options: dict[Any, Any]) -> None:
    """Every truthy require_<claim> of the merged options, in the merged dict's order (python-jose's list)."""
    merged = merge_options(options)
    joses = [k[len("require_") :] for k in merged if isinstance(k, str) and k.startswith("require_") and merged[k]]
    assert required_claims(merged) == joses


# --- options given once, at construction ---------------------------------------------------------------------------

_TOKENS = [codec.encode(claims, KEY) for claims in (
    {}, {"sub": "x", "exp": NOW + 10}, {"exp": NOW - 5, "nbf": NOW + 5, "iat": NOW}, {"custom": 1, "aud": "a"},
    {"sub": 5, "jti": 7, "at_hash": "x", "exp": NOW - 20},
)]
_construction_options = st.dictionaries(
    st.sampled_from(sorted(DEFAULT_OPTIONS)) | st.sampled_from(["require_custom", "require_", "require_sub2"]),
    st.booleans() | st.integers(-1, 2),
    max_size=6,
).map(lambda options: {k: v for k, v in options.items() if k != "leeway"})


def _outcome(decode: Any, token: str, **kwargs: Any) -> Any:
    try:
        return decode(token, KEY, algorithms=["HS256"], **kwargs)
    except JWTError as exc:
        return type(exc), str(exc)


@given(_construction_options, st.none() | _construction_options, st.sampled_from([0, 10, 10.5]))
def test_constructor_options_decode_as_the_same_options_per_call(
    options: dict[str, Any], per_call: dict[str, Any] | None, leeway: float
) -> None:
    """JWT(options=o, leeway=l).decode(t, options=p) has the outcome of decode(t, options={**o, "leeway": l, **p})."""
    configured = JWT(clock=lambda: NOW, options=options, leeway=leeway)
    merged = {**options, "leeway": leeway, **(per_call or {})}
    for token in _TOKENS:
        assert _outcome(configured.decode, token, options=per_call) == _outcome(codec.decode, token, options=merged)


def test_constructor_options_are_compiled_once_and_copied() -> None:
    """The instance keeps a merged copy of its options: the caller's mapping is neither kept nor mutated."""
    options = {"require_exp": True, "require_sub": True}
    configured = JWT(clock=lambda: NOW, options=options)
    options["require_exp"] = False
    assert configured.options == {**DEFAULT_OPTIONS, "require_exp": True, "require_sub": True}
    configured.options["require_sub"] = False  # a copy, too
    with pytest.raises(MissingRequiredClaimError, match='"exp"'):
        configured.decode(codec.encode({"sub": "x"}, KEY), KEY, algorithms=["HS256"])
    with pytest.raises(MissingRequiredClaimError, match='"sub"'):
        configured.decode(codec.encode({"exp": NOW + 1}, KEY), KEY, algorithms=["HS256"])
    # per-call options are merged over the instance's, so they can also lift a requirement for one call
    assert configured.decode(codec.encode({"exp": NOW + 1}, KEY), KEY, algorithms=["HS256"],
                             options={"require_sub": False}) == {"exp": NOW + 1}


@pytest.mark.parametrize("kwargs", [{"leeway": True}, {"leeway": "5"}, {"options": {"leeway": float("nan")}},
                                    {"options": {"leeway": 1}, "leeway": 1}, {"options": ["require_exp"]}])
def test_bad_constructor_options_are_refused_at_construction(kwargs: dict[str, Any]) -> None:
    """A bad leeway, a leeway given twice, or options that are not a mapping raise JWTError when the JWT is built."""
    with pytest.raises(JWTError):
        JWT(**kwargs)


def test_a_bad_per_call_leeway_is_still_reported_after_the_signature() -> None:
    """Per-call options are compiled ahead of verification, but a bad leeway is raised where python-jose raises it."""
    forged = codec.encode({"a": 1}, KEY)[:-2] + "AA"
    with pytest.raises(JWTError, match="Signature verification failed"):
        codec.decode(forged, KEY, options={"leeway": "x"})
    with pytest.raises(JWTError, match="leeway must be"):
        codec.decode(codec.encode({"a": 1}, KEY), KEY, options={"leeway": "x"})


@pytest.mark.parametrize("first", [1, True])
def test_per_call_options_equal_as_dicts_but_of_other_types_are_not_confused(first: Any) -> None:
    """The memoised compilation tells {"leeway": 1} from the equal {"leeway": True}: only the int is a leeway."""
    fresh = JWT(clock=lambda: NOW)
    token = fresh.encode({"exp": NOW}, KEY)
    outcomes = {}
    for leeway in (first, 1 if first is True else True):
        outcomes[leeway.__class__] = _outcome(fresh.decode, token, options={"leeway": leeway})
    assert outcomes[int] == {"exp": NOW}
    assert outcomes[bool] == (JWTError, "leeway must be a number of seconds or a timedelta")


def test_per_call_options_with_unhashable_values_still_work() -> None:
    """Options holding an unhashable value (never memoised) are merged and applied like any other."""
    options: dict[str, Any] = {"require_exp": True, "x-extra": ["unhashable"]}
    with pytest.raises(MissingRequiredClaimError):
        roundtrip({"a": 1}, options=options)
    assert roundtrip({"exp": NOW + 1}, options=options) == {"exp": NOW + 1}


def test_numbers_beyond_a_floats_range_get_typed_errors_not_overflow() -> None:
    """An int claim too large for a float is an out-of-range NumericDate; such an int leeway is just a long leeway."""
    for claims in ({"exp": 10**400}, {"nbf": -(10**400)}, {"iat": 10**400}):
        with pytest.raises(InvalidClaimTypeError):
            roundtrip(claims)
    assert roundtrip({"exp": NOW - 10**6}, options={"leeway": 10**400}) == {"exp": NOW - 10**6}
    for leeway in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(JWTError, match="leeway must be"):
            roundtrip({"a": 1}, options={"leeway": leeway})

"""core.jwt claim validation: python-jose's options and order, with the hardened checks pinned."""

from __future__ import annotations

import contextlib
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


# --- each error branch's class and python-jose's message ----------------------------------------------------------


@pytest.mark.parametrize(
    ("access_token", "message"),
    [
        (None, "No access_token provided to compare against at_hash claim."),
        ("", "No access_token provided to compare against at_hash claim."),
        (b"opaque", "Unable to calculate at_hash to verify against token claims."),
        (7, "Unable to calculate at_hash to verify against token claims."),
        ("other", "at_hash claim does not match access_token."),
    ],
)
def test_at_hash_errors_carry_python_joses_messages(access_token: Any, message: str) -> None:
    """A missing, non-string or different access token fails at_hash with InvalidAccessTokenHashError and
    python-jose's message for that case."""
    token = codec.encode({"a": 1}, KEY, access_token="opaque")
    with pytest.raises(InvalidAccessTokenHashError) as caught:
        codec.decode(token, KEY, access_token=access_token)
    assert str(caught.value) == message


def test_at_hash_with_an_unencodable_access_token_is_a_claims_error() -> None:
    """An access token holding a lone surrogate (no UTF-8 form) fails at_hash with InvalidAccessTokenHashError and
    python-jose's "Unable to calculate" message, not a leaked UnicodeEncodeError."""
    token = codec.encode({"a": 1}, KEY, access_token="opaque")
    with pytest.raises(InvalidAccessTokenHashError) as caught:
        codec.decode(token, KEY, access_token="\ud800")
    assert str(caught.value) == "Unable to calculate at_hash to verify against token claims."


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_at_hash_is_the_left_half_of_the_algorithms_hash(alg: str) -> None:
    """at_hash is base64url of the left half of the access token's UTF-8 hash under the token's algorithm's hash
    (OpenID Connect Core §3.1.3.6), and decode checks it with that same hash."""
    import base64
    import hashlib

    digest = hashlib.new({"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}[alg], "é-token".encode()).digest()
    expected = base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()
    token = codec.encode({"a": 1}, "s" * 64, algorithm=alg, access_token="é-token")
    assert codec.get_unverified_claims(token)["at_hash"] == expected
    assert codec.decode(token, "s" * 64, access_token="é-token") == {"a": 1, "at_hash": expected}


def test_at_hash_is_skipped_when_verify_at_hash_is_off_and_checked_when_required() -> None:
    """verify_at_hash False ignores a wrong access token; require_at_hash checks it even then."""
    token = codec.encode({"a": 1}, KEY, access_token="opaque")
    assert roundtrip_token(token, options={"verify_at_hash": False}, access_token="x")["a"] == 1
    with pytest.raises(InvalidAccessTokenHashError):
        roundtrip_token(token, options={"verify_at_hash": False, "require_at_hash": True}, access_token="x")


def roundtrip_token(token: str, **kwargs: Any) -> dict[str, Any]:
    return codec.decode(token, KEY, algorithms=["HS256"], **kwargs)


@pytest.mark.parametrize(
    ("claims", "kwargs", "error", "message"),
    [
        ({"exp": NOW - 1}, {}, ExpiredSignatureError, "Signature has expired."),
        ({"nbf": NOW + 1}, {}, ImmatureSignatureError, "The token is not yet valid (nbf)"),
        ({"iat": "x"}, {}, InvalidClaimTypeError, "Issued At claim (iat) must be an integer."),
        ({"nbf": None}, {}, InvalidClaimTypeError, "Not Before claim (nbf) must be an integer."),
        ({"exp": [1]}, {}, InvalidClaimTypeError, "Expiration Time claim (exp) must be an integer."),
        ({"aud": "a"}, {"audience": "b"}, InvalidAudienceError, "Invalid audience"),
        ({"aud": ["a"]}, {"audience": "b"}, InvalidAudienceError, "Invalid audience"),
        ({"aud": ["a"]}, {}, InvalidAudienceError, "Invalid audience"),
        ({"aud": "a"}, {}, InvalidAudienceError, "Invalid audience"),
        ({"aud": 1}, {"audience": "b"}, InvalidAudienceError, "Invalid claim format in token"),
        ({"aud": ("a", 1)}, {"audience": "a"}, InvalidAudienceError, "Invalid claim format in token"),
        ({}, {"audience": "b"}, InvalidAudienceError, "Audience claim expected, but not in claims"),
        ({"iss": "a"}, {"issuer": "b"}, InvalidIssuerError, "Invalid issuer"),
        ({"iss": 1}, {"issuer": ["b", 1]}, InvalidIssuerError, "Invalid issuer"),
        ({"iss": "a"}, {"issuer": iter(["b"])}, InvalidIssuerError, "Invalid issuer"),
        ({"iss": "a"}, {"issuer": 5}, JWTError, "issuer must be a string or an iterable of strings"),
        ({"sub": 1}, {}, InvalidSubjectError, "Subject must be a string."),
        ({"sub": "a"}, {"subject": "b"}, InvalidSubjectError, "Invalid subject"),
        ({}, {"subject": "b"}, InvalidSubjectError, "Subject claim expected, but not in claims"),
        ({"jti": 1}, {}, InvalidClaimTypeError, "JWT ID must be a string."),
        ({"jti": None}, {}, InvalidClaimTypeError, "JWT ID must be a string."),
        ({}, {"audience": 1}, JWTError, "audience must be a string or None"),
        ({}, {"options": {"require_iat": True}}, MissingRequiredClaimError, 'missing required key "iat" among claims'),
        ({}, {"options": {"leeway": "1"}}, JWTError, "leeway must be a number of seconds or a timedelta"),
    ],
)
def test_each_failing_check_raises_its_class_and_message(
    claims: dict[str, Any], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    """Every claim check's failure raises its own class with its message (python-jose's text where it has one)."""
    with pytest.raises(error) as caught:
        roundtrip(claims, **kwargs)
    assert str(caught.value) == message


def test_a_required_claim_is_named_and_reported_before_other_checks() -> None:
    """MissingRequiredClaimError names the claim (``.claim``), is a plain JWTError (not a claims error, as in
    python-jose) and comes before any verify_* check, e.g. an expired exp."""
    with pytest.raises(MissingRequiredClaimError) as caught:
        roundtrip({"exp": NOW - 1}, options={"require_sub": True})
    assert caught.value.claim == "sub"
    assert not isinstance(caught.value, JWTClaimsError)


@pytest.mark.parametrize(
    ("claim", "bad", "error"),
    [
        ("iat", "x", InvalidClaimTypeError),
        ("nbf", NOW + 100, ImmatureSignatureError),
        ("exp", NOW - 100, ExpiredSignatureError),
        ("aud", "other", InvalidAudienceError),
        ("iss", "other", InvalidIssuerError),
        ("sub", "other", InvalidSubjectError),
        ("jti", 5, InvalidClaimTypeError),
    ],
)
def test_each_verify_option_switches_its_check_and_require_switches_it_back_on(
    claim: str, bad: Any, error: type[Exception]
) -> None:
    """verify_<claim> False skips that claim's check alone (the others still run); require_<claim> True re-enables
    it (python-jose: a required claim is verified); with verify_<claim> True the bad claim fails."""
    expected = {"audience": "api", "issuer": "me", "subject": "me"}
    kwargs = {k: v for k, v in expected.items() if k[:3] == claim}
    claims = {claim: bad}
    with pytest.raises(error):
        roundtrip(claims, **kwargs)
    assert roundtrip(claims, options={f"verify_{claim}": False}, **kwargs) == claims
    with pytest.raises(error):
        roundtrip(claims, options={f"verify_{claim}": False, f"require_{claim}": True}, **kwargs)
    other = {"exp": NOW - 100} if claim != "exp" else {"iat": "x"}
    with pytest.raises(ExpiredSignatureError if claim != "exp" else InvalidClaimTypeError):
        roundtrip({**claims, **other}, options={f"verify_{claim}": False}, **kwargs)


@pytest.mark.parametrize("claim", ["aud", "iat", "exp", "nbf", "iss", "sub", "jti", "at_hash"])
def test_each_require_option_refuses_a_token_without_its_claim(claim: str) -> None:
    """require_<claim> True refuses a token lacking that claim with MissingRequiredClaimError naming it; False (the
    default) accepts it."""
    assert roundtrip({"x": 1}, options={f"require_{claim}": False}) == {"x": 1}
    with pytest.raises(MissingRequiredClaimError, match=f'"{claim}"'):
        roundtrip({"x": 1}, options={f"require_{claim}": True})


def test_verify_signature_false_skips_only_the_signature() -> None:
    """verify_signature False accepts a wrong key (any key value at all) but still runs every claim check."""
    token = codec.encode({"sub": "a"}, KEY)
    assert codec.decode(token, "t" * 64, options={"verify_signature": False}) == {"sub": "a"}
    assert codec.decode(token, None, options={"verify_signature": False}) == {"sub": "a"}
    with pytest.raises(InvalidSubjectError):
        codec.decode(token, None, options={"verify_signature": False}, subject="b")
    assert JWT(clock=lambda: NOW, options={"verify_signature": False}).decode(token, None) == {"sub": "a"}


# --- boundaries: exp, nbf, leeway, NumericDate range --------------------------------------------------------------


@pytest.mark.parametrize(
    ("leeway", "exp_ok", "exp_expired"),
    [
        (0, NOW + 1, NOW),
        (5, NOW - 4, NOW - 5),
        (-5, NOW + 6, NOW + 5),
        (2.5, NOW - 2, NOW - 2.5),
        (timedelta(seconds=3), NOW - 2, NOW - 3),
        (timedelta(milliseconds=1500), NOW - 1, NOW - 1.5),
        (timedelta(days=1), NOW - 86_399, NOW - 86_400),
    ],
)
def test_exp_boundary_under_each_leeway_form(leeway: Any, exp_ok: float, exp_expired: float) -> None:
    """exp is expired exactly when exp <= now - leeway, for int, negative, float and timedelta leeways."""
    assert roundtrip({"exp": exp_ok}, options={"leeway": leeway}) == {"exp": exp_ok}
    with pytest.raises(ExpiredSignatureError):
        roundtrip({"exp": exp_expired}, options={"leeway": leeway})
    configured = JWT(clock=lambda: NOW, leeway=leeway)
    assert configured.decode(codec.encode({"exp": exp_ok}, KEY), KEY) == {"exp": exp_ok}
    with pytest.raises(ExpiredSignatureError):
        configured.decode(codec.encode({"exp": exp_expired}, KEY), KEY)


@pytest.mark.parametrize(
    ("leeway", "nbf_ok", "nbf_immature"),
    [
        (0, NOW, NOW + 1),
        (0, NOW + 0.999, NOW + 1.0),  # whole seconds, as python-jose's int(nbf)
        (5, NOW + 5, NOW + 6),
        (-5, NOW - 5, NOW - 4),
        (2.5, NOW + 2.9, NOW + 3),
        (timedelta(seconds=3), NOW + 3, NOW + 4),
        (timedelta(minutes=1), NOW + 60, NOW + 61),
    ],
)
def test_nbf_boundary_under_each_leeway_form(leeway: Any, nbf_ok: float, nbf_immature: float) -> None:
    """nbf is immature exactly when its whole seconds exceed now + leeway, for every leeway form."""
    assert roundtrip({"nbf": nbf_ok}, options={"leeway": leeway}) == {"nbf": nbf_ok}
    with pytest.raises(ImmatureSignatureError):
        roundtrip({"nbf": nbf_immature}, options={"leeway": leeway})


def test_leeway_of_zero_and_the_default_are_the_same() -> None:
    """An explicit leeway of 0, 0.0 or timedelta(0), or none given, all mean no leeway."""
    for options in (None, {"leeway": 0}, {"leeway": 0.0}, {"leeway": timedelta(0)}):
        with pytest.raises(ExpiredSignatureError):
            roundtrip({"exp": NOW}, options=options)
        assert roundtrip({"exp": NOW + 1}, options=options)


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
def test_numeric_date_range_ends_at_year_9999(claim: str) -> None:
    """253402300799 (9999-12-31T23:59:59Z) and its negative are valid NumericDates, as int or float; one more is
    out of range; bools are never numbers."""
    limit = 253_402_300_799
    for value in (limit, -limit, float(limit), float(-limit), 0, 0.5):
        with contextlib.suppress(ExpiredSignatureError, ImmatureSignatureError):  # in range: only early or late
            assert roundtrip({claim: value}) == {claim: value}
    for value in (limit + 1, -limit - 1, limit + 0.5, -limit - 0.5, True, False):
        with pytest.raises(InvalidClaimTypeError):
            roundtrip({claim: value})


def test_time_claims_are_compared_to_the_clock_truncated_to_seconds() -> None:
    """The instance's clock is read once per decode and truncated to whole seconds (python-jose's timegm)."""
    fractional = JWT(clock=lambda: NOW + 0.9)
    assert fractional.decode(codec.encode({"exp": NOW + 1, "nbf": NOW}, KEY), KEY) == {"exp": NOW + 1, "nbf": NOW}
    with pytest.raises(ExpiredSignatureError):
        fractional.decode(codec.encode({"exp": NOW}, KEY), KEY)

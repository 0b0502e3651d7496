"""The migration contract against the installed PyJWT (2.8.0 / 2.9.0 / 2.10.1 in their envs, 2.15.1 in `compat`):
byte-identical tokens, each library decodes the other's, and the same decision and class on every scenario."""

from __future__ import annotations

import copy
from typing import Any

import jwt as pyjwt
import pytest

from compat_tests._tokens import decode_core, decode_pyjwt, differences
from compat_tests.release._jwt_cases import CASES, KEY, SCENARIOS, Case, Scenario, decode_kwargs, expected_claims
from core import jwt as core_jwt


def _ids(items: list[Any]) -> list[str]:
    return [item.name for item in items]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_encode_is_byte_identical(case: Case) -> None:
    """core.jwt.encode returns PyJWT's exact token for the same claims, key, algorithm and headers."""
    theirs = pyjwt.encode(copy.deepcopy(case.claims), case.key, algorithm=case.algorithm, headers=case.headers)
    assert core_jwt.encode(case.claims, case.key, algorithm=case.algorithm, headers=case.headers) == theirs


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_pyjwt_tokens_decode_in_core_and_core_tokens_in_pyjwt(case: Case) -> None:
    """A PyJWT token decodes in core, and a core token in PyJWT, to the claims it was made from."""
    kwargs = decode_kwargs(case.claims)
    theirs = pyjwt.encode(copy.deepcopy(case.claims), case.key, algorithm=case.algorithm, headers=case.headers)
    ours = core_jwt.encode(case.claims, case.key, algorithm=case.algorithm, headers=case.headers)
    assert core_jwt.decode(theirs, case.key, algorithms=[case.algorithm], **kwargs) == expected_claims(case.claims)
    assert pyjwt.decode(ours, case.key, algorithms=[case.algorithm], **kwargs) == expected_claims(case.claims)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_ids(SCENARIOS))
def test_same_decision_claims_and_error_class(scenario: Scenario) -> None:
    """On the frozen clock, core and PyJWT accept or refuse alike, with the claims or PyJWT's class of the error."""
    token = pyjwt.encode(dict(scenario.claims), scenario.signed_with, algorithm="HS256")
    outcomes = {"core": decode_core(token, KEY, scenario.options), "PyJWT": decode_pyjwt(token, KEY, scenario.options)}
    assert differences(outcomes) == []
    assert outcomes["core"].accepted == (scenario.name in ("valid", "expired-within-leeway"))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


# What changed between PyJWT releases on tokens core decides alike on every release (docs/compatibility.md,
# "Older releases"): (claims, headers, PyJWT's class from the release named on, class before it, core's class).
RELEASE_CHANGES = {
    "sub-not-a-string": ({"sub": 5}, None, "2.10.0", "InvalidSubjectError", None, "InvalidSubjectError"),
    "jti-not-a-string": ({"jti": 5}, None, "2.10.0", "InvalidJTIError", None, "InvalidClaimTypeError"),
    "unknown-crit": ({"sub": "u"}, {"crit": ["x-ext"], "x-ext": 1}, "2.12.0", "InvalidTokenError", None,
                     "UnsupportedCriticalHeaderError"),
    "kid-not-a-string": ({"sub": "u"}, {"kid": 5}, "2.12.0", "InvalidTokenError", None, None),
    "exp-null": ({"exp": None}, None, "2.15.0", "DecodeError", "TypeError", "InvalidClaimTypeError"),
}


@pytest.mark.parametrize("change", sorted(RELEASE_CHANGES))
def test_release_specific_behaviour(change: str) -> None:
    """PyJWT's answer depends on its release as documented (None: accepted); core's answer is the same on all."""
    claims, headers, since, after, before, ours = RELEASE_CHANGES[change]
    token = core_jwt.encode(claims, KEY, headers=headers)
    opts = SCENARIOS[0].options._replace(audience=None, issuer=None)
    expected = after if _version(pyjwt.__version__) >= _version(since) else before
    assert decode_pyjwt(token, KEY, opts).error == expected
    assert decode_core(token, KEY, opts).error == ours


def test_empty_key_by_release() -> None:
    """An empty HMAC key: PyJWT before 2.13.0 verifies with it, since then InvalidKeyError; core always refuses."""
    import base64
    import hashlib
    import hmac

    signing_input = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + base64.urlsafe_b64encode(b'{"sub":"u"}').rstrip(b"=")
    signature = base64.urlsafe_b64encode(hmac.new(b"", signing_input, hashlib.sha256).digest()).rstrip(b"=")
    token = (signing_input + b"." + signature).decode()
    opts = SCENARIOS[0].options._replace(audience=None, issuer=None)
    expected = "InvalidKeyError" if _version(pyjwt.__version__) >= (2, 13, 0) else None
    assert decode_pyjwt(token, "", opts).error == expected
    assert decode_core(token, "", opts).error == "InvalidKeyError"


@pytest.mark.parametrize("padding", ["=", "=="])
def test_padded_signature_segment_by_release(padding: str) -> None:
    """`=` after the signature segment (43 characters: one `=` is its base64 padding): PyJWT up to 2.13 accepts
    any padding, 2.14.0 and 2.15.0 refuse it, 2.15.1 accepts the exact padding again; core always refuses."""
    token = core_jwt.encode({"sub": "u"}, KEY) + padding
    opts = SCENARIOS[0].options._replace(audience=None, issuer=None)
    version = _version(pyjwt.__version__)
    if version < (2, 14, 0):
        expected = None
    elif version < (2, 15, 1):
        expected = "DecodeError"
    else:
        expected = None if padding == "=" else "DecodeError"
    assert decode_pyjwt(token, KEY, opts).error == expected
    assert decode_core(token, KEY, opts).error == "MalformedTokenError"

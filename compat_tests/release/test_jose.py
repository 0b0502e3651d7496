"""The migration contract against the installed python-jose (3.3.0 / 3.4.0 in their envs, 3.5.0 in `compat`):
byte-identical tokens, each library decodes the other's, and the same decision and class on every scenario."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jose import jwt as jose_jwt

from compat_tests._tokens import decode_core, decode_jose, differences
from compat_tests.release._jwt_cases import CASES, KEY, SCENARIOS, Case, Scenario, decode_kwargs, expected_claims
from core import jwt as core_jwt


def _ids(items: list[Any]) -> list[str]:
    return [item.name for item in items]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_encode_is_byte_identical(case: Case) -> None:
    """core.jwt.encode returns python-jose's exact token for the same claims, key, algorithm and headers."""
    # python-jose converts datetimes in the dict it is given: hand it a copy
    theirs = jose_jwt.encode(copy.deepcopy(case.claims), case.key, algorithm=case.algorithm, headers=case.headers)
    assert core_jwt.encode(case.claims, case.key, algorithm=case.algorithm, headers=case.headers) == theirs


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_jose_tokens_decode_in_core_and_core_tokens_in_jose(case: Case) -> None:
    """A python-jose token decodes in core, and a core token in python-jose, to the claims it was made from."""
    kwargs = decode_kwargs(case.claims)
    theirs = jose_jwt.encode(copy.deepcopy(case.claims), case.key, algorithm=case.algorithm, headers=case.headers)
    ours = core_jwt.encode(case.claims, case.key, algorithm=case.algorithm, headers=case.headers)
    assert core_jwt.decode(theirs, case.key, algorithms=[case.algorithm], **kwargs) == expected_claims(case.claims)
    assert jose_jwt.decode(ours, case.key, algorithms=[case.algorithm], **kwargs) == expected_claims(case.claims)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_ids(SCENARIOS))
def test_same_decision_claims_and_error_class(scenario: Scenario) -> None:
    """On the frozen clock, core and python-jose accept or refuse alike, with the claims or the class jose raises."""
    token = jose_jwt.encode(dict(scenario.claims), scenario.signed_with, algorithm="HS256")
    outcomes = {"core": decode_core(token, KEY, scenario.options),
                "python-jose": decode_jose(token, KEY, scenario.options)}
    assert differences(outcomes) == []
    assert outcomes["core"].accepted == (scenario.name in ("valid", "expired-within-leeway"))

"""Where PyJWT refuses a token that python-jose and core accept (docs/compatibility.md, "Where the references
disagree"): each behaviour of both sides, and the deviation `python -m compat_tests tokens` names for it."""

from __future__ import annotations

import pytest

from compat_tests._token_deviations import Token, explain
from compat_tests._tokens import DecodeOptions, decode_all
from core import jwt as core_jwt

KEY = "r" * 64
NOW = 1_900_000_000


@pytest.mark.parametrize(("claims", "headers", "pyjwt_error", "anchor"), [
    ({"sub": "u", "iat": NOW + 300}, None, "ImmatureSignatureError", "ref-pyjwt-iat"),
    ({"sub": "u", "exp": NOW + 0.5}, None, "ExpiredSignatureError", "ref-pyjwt-exp-fraction"),
    ({"sub": "u"}, {"kid": 7}, "InvalidTokenError", "ref-pyjwt-kid"),
], ids=["iat-in-the-future", "fractional-exp", "kid-not-a-string"])
def test_pyjwt_refuses_what_jose_and_core_accept(claims: dict[str, object], headers: dict[str, object] | None,
                                                 pyjwt_error: str, anchor: str) -> None:
    """python-jose and core accept the token, PyJWT 2.15 refuses it with its class, and the CLI names the row."""
    token = core_jwt.encode(claims, KEY, headers=headers)
    opts = DecodeOptions(now=NOW)
    outcomes = decode_all(token, KEY, opts)
    assert outcomes["core"].accepted
    assert outcomes["python-jose"].accepted
    assert outcomes["PyJWT"].error == pyjwt_error
    assert explain(Token(token), KEY, opts, outcomes, "PyJWT") == anchor

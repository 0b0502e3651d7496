"""core.jwt has python-jose 3.5.0's public surface: every name of ``jose.jwt``, ``jose.exceptions`` and
``jose.constants.ALGORITHMS`` is in core with python-jose's meaning, or listed as deliberately absent (with the
reason) in docs/compatibility.md. The names are read from python-jose at test time, so a name it gains shows up.
"""

from __future__ import annotations

import re
import types
from pathlib import Path

import jose.constants
import jose.exceptions
import jose.jwt
import pytest

from core import jwt as core_jwt

DOC = Path(__file__).resolve().parent.parent / "docs" / "compatibility.md"
KEY = "k" * 64


def _documented_absent() -> set[str]:
    """The dotted names in the "python-jose names core does not have" table of docs/compatibility.md."""
    text = DOC.read_text("utf-8")
    section = text.split("### python-jose names core does not have", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(jose\.[\w.]+)` \|", section, flags=re.M))


def _public_names(module: types.ModuleType) -> list[str]:
    """Names the module defines or re-exports from python-jose itself (not modules, not stdlib imports)."""
    names = []
    for name in dir(module):
        value = getattr(module, name)
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        origin = getattr(value, "__module__", None) or type(value).__module__
        if origin.startswith("jose"):
            names.append(name)
    return names


JOSE_NAMES = [f"jose.jwt.{n}" for n in _public_names(jose.jwt)] + [
    f"jose.exceptions.{n}" for n in _public_names(jose.exceptions)
]
ALGORITHM_NAMES = [n for n in dir(jose.constants.ALGORITHMS) if not n.startswith("_")]


def test_the_absent_list_names_only_real_python_jose_names() -> None:
    """Every name the docs call absent exists in python-jose and really is missing from core (no stale rows)."""
    absent = _documented_absent()
    assert absent, "the table of absent names was not found"
    known = set(JOSE_NAMES) | {f"jose.constants.ALGORITHMS.{n}" for n in ALGORITHM_NAMES}
    assert absent <= known
    for dotted in absent:
        owner = core_jwt.ALGORITHMS if ".ALGORITHMS." in dotted else core_jwt
        assert not hasattr(owner, dotted.rsplit(".", 1)[1]), dotted


@pytest.mark.parametrize("dotted", JOSE_NAMES)
def test_every_jose_jwt_and_exceptions_name_is_in_core_or_documented_absent(dotted: str) -> None:
    """A public name of jose.jwt or jose.exceptions exists in core.jwt, unless docs/compatibility.md lists it."""
    if dotted in _documented_absent():
        return
    assert hasattr(core_jwt, dotted.rsplit(".", 1)[1]), f"{dotted} is neither in core.jwt nor documented absent"


@pytest.mark.parametrize("name", ALGORITHM_NAMES)
def test_algorithms_names_and_values_match_python_jose(name: str) -> None:
    """Each ALGORITHMS attribute has python-jose's value (sets compare as sets), except SUPPORTED, which is HMAC
    in core (docs/compatibility.md), and the documented absent ones."""
    if f"jose.constants.ALGORITHMS.{name}" in _documented_absent():
        return
    theirs = getattr(jose.constants.ALGORITHMS, name)
    ours = getattr(core_jwt.ALGORITHMS, name)
    if name == "SUPPORTED":
        assert ours == core_jwt.ALGORITHMS.HMAC == frozenset(jose.constants.ALGORITHMS.HMAC)
        assert ours <= theirs
    elif isinstance(theirs, (set, frozenset)):
        assert ours == frozenset(theirs)
    else:
        assert ours == theirs


@pytest.mark.parametrize(("jose_name", "core_class"), [
    ("JOSEError", core_jwt.JWTError),
    ("JWTError", core_jwt.JWTError),
    ("JWSError", core_jwt.JWSError),
    ("JWSSignatureError", core_jwt.InvalidSignatureError),
    ("JWSAlgorithmError", core_jwt.InvalidAlgorithmError),
    ("JWKError", core_jwt.InvalidKeyError),
    ("ExpiredSignatureError", core_jwt.ExpiredSignatureError),
    ("JWTClaimsError", core_jwt.JWTClaimsError),
])
def test_exception_names_map_to_the_core_class_of_the_same_meaning(jose_name: str, core_class: type) -> None:
    """python-jose's exception names are core's classes of the same meaning, under one root (JWTError)."""
    assert getattr(core_jwt, jose_name) is core_class
    assert issubclass(core_class, core_jwt.JWTError)


@pytest.mark.parametrize(("build", "caught_by"), [
    (lambda: core_jwt.decode("x.y", KEY), "JWSError"),
    (lambda: core_jwt.decode(core_jwt.encode({"a": 1}, KEY), "other" * 13), "JWSSignatureError"),
    (lambda: core_jwt.encode({"a": 1}, KEY, algorithm=core_jwt.ALGORITHMS.RS256), "JWSAlgorithmError"),
    (lambda: core_jwt.decode(core_jwt.encode({"exp": 1}, KEY), KEY), "ExpiredSignatureError"),
    (lambda: core_jwt.decode(core_jwt.encode({"iss": "a"}, KEY), KEY, issuer="b"), "JWTClaimsError"),
    (lambda: core_jwt.decode(core_jwt.encode({"a": 1}, KEY), {"kty": "RSA"}), "JWKError"),
])
def test_except_clauses_written_for_python_jose_catch_core_errors(build: object, caught_by: str) -> None:
    """``except jwt.<jose name>`` catches what that name stands for, and ``except JOSEError`` catches it all."""
    with pytest.raises(getattr(core_jwt, caught_by)):
        build()  # type: ignore[operator]
    with pytest.raises(core_jwt.JOSEError):
        build()  # type: ignore[operator]


def test_unverified_readers_return_what_python_jose_returns() -> None:
    """get_unverified_header, get_unverified_headers and get_unverified_claims give python-jose's dicts."""
    token = core_jwt.encode({"sub": "1", "n": {"x": [1, 2]}}, KEY, headers={"kid": "key-1", "x": {"y": 1}})
    assert core_jwt.get_unverified_header(token) == jose.jwt.get_unverified_header(token)
    assert core_jwt.get_unverified_headers(token) == jose.jwt.get_unverified_headers(token)
    assert core_jwt.get_unverified_claims(token) == jose.jwt.get_unverified_claims(token)
    assert core_jwt.get_unverified_header(token)["x"] == {"y": 1}  # nested values are real dicts here


@pytest.mark.parametrize("name", sorted(core_jwt.ALGORITHMS.ALL - core_jwt.ALGORITHMS.HMAC))
def test_every_non_hmac_algorithm_is_refused_with_a_clear_message(name: str) -> None:
    """Signing with, or decoding a token whose header names, any non-HMAC jose algorithm raises
    InvalidAlgorithmError saying that only HMAC algorithms are supported."""
    with pytest.raises(core_jwt.InvalidAlgorithmError, match="only HMAC"):
        core_jwt.encode({"a": 1}, KEY, algorithm=name)
    import base64
    import json

    header = base64.urlsafe_b64encode(json.dumps({"alg": name}).encode()).rstrip(b"=").decode()
    with pytest.raises(core_jwt.InvalidAlgorithmError, match="only HMAC"):
        core_jwt.decode(f"{header}.e30.AAAA", KEY)

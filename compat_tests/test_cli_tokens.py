"""`python -m compat_tests tokens`: tokens from python-jose and PyJWT decoded by all three libraries side by side,
each difference named by its documented deviation, exit 1 on any other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compat_tests import _cli_fixtures as fx
from compat_tests import _tokens
from compat_tests._cli import main

# name -> (verdict, {reference: deviation anchor}) at fx.NOW with --audience api
EXPECTED: dict[str, tuple[str, dict[str, str]]] = {
    "jose-valid": ("same", {}),
    "pyjwt-valid": ("same", {}),
    "expired": ("same", {}),
    "wrong-key": ("same", {}),
    "exp-equals-now": ("deviation", {"python-jose": "jwt-exp-now"}),
    "no-aud": ("deviation", {"python-jose": "jwt-missing-aud", "PyJWT": "jwt-missing-aud"}),
    "padded": ("deviation", {"python-jose": "jwt-base64"}),  # PyJWT refuses "==" padding too
    "crit": ("deviation", {"python-jose": "jwt-crit"}),
    "exp-string": ("deviation", {"python-jose": "jwt-claim-types", "PyJWT": "jwt-claim-types"}),
    "iat-future": ("deviation", {"PyJWT": "ref-pyjwt-iat"}),
    "oversized": ("deviation", {"python-jose": "jwt-token-size", "PyJWT": "jwt-token-size"}),
}
ARGS = ["tokens", "--key-env", "LEANCORE_CLI_KEY", "--audience", "api", "--now", str(fx.NOW)]


@pytest.fixture
def token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    monkeypatch.setenv("LEANCORE_CLI_KEY", fx.KEY)
    tokens = fx.tokens()
    names = sorted(tokens)
    path = tmp_path / "tokens.txt"
    path.write_text("".join(tokens[n] + "\n" for n in names) + "\n")  # a trailing empty line is skipped
    return path, names


def _run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    status = main([*argv, "--json"])
    return status, json.loads(capsys.readouterr().out)


def test_every_token_gets_the_expected_verdict(token_file: tuple[Path, list[str]],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Each generated token is same / a named deviation as expected, and the run exits 0 (nothing unexplained)."""
    path, names = token_file
    status, report = _run_json([*ARGS, str(path)], capsys)
    assert status == 0
    assert report["tokens"] == len(names) == len(EXPECTED)
    for name, row in zip(names, report["rows"], strict=True):
        verdict, deviations = EXPECTED[name]
        assert row["verdict"] == verdict, (name, row)
        assert {d["reference"]: d["deviation"] for d in row["differences"]} == deviations, (name, row)
        for d in row["differences"]:
            assert d["docs"] == f"docs/compatibility.md#{d['deviation']}"


def test_every_named_deviation_has_its_anchor_in_the_docs() -> None:
    """Each anchor a rule can name exists in docs/compatibility.md."""
    from compat_tests._token_deviations import RULES

    docs = (Path(__file__).resolve().parent.parent / "docs/compatibility.md").read_text(encoding="utf-8")
    for anchor, _ in RULES:
        assert f'<a id="{anchor}"></a>' in docs, anchor


def test_same_tokens_decode_alike_with_the_clock_and_leeway_applied_to_every_library(
        token_file: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    """--now and --leeway reach python-jose and PyJWT too: an hour later all refuse jose-valid as expired, alike."""
    path, names = token_file
    later = [*ARGS[:-1], str(fx.NOW + 3600)]
    _, report = _run_json([*later, str(path)], capsys)
    row = report["rows"][names.index("jose-valid")]
    assert set(row["decisions"].values()) == {"refused: ExpiredSignatureError"}
    _, report = _run_json([*later, "--leeway", "3600", str(path)], capsys)
    assert set(report["rows"][names.index("jose-valid")]["decisions"].values()) == {"accepted"}


def test_an_unexplained_difference_exits_1(token_file: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A reference that accepts what core refuses for no documented reason is DISAGREE, and the exit status is 1."""
    path, names = token_file
    monkeypatch.setitem(_tokens.DECODERS, "PyJWT", lambda *_: _tokens.Outcome(True, {"forged": True}))
    status, report = _run_json([*ARGS, str(path)], capsys)
    assert status == 1
    assert report["rows"][names.index("wrong-key")]["verdict"] == "DISAGREE"
    assert report["verdicts"]["DISAGREE"] >= 1


def test_the_table_shows_decisions_never_tokens_or_claim_values(token_file: tuple[Path, list[str]],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The terminal table names each library's decision and the deviation; no token or claim value is printed."""
    path, _ = token_file
    assert main([*ARGS, str(path)]) == 0
    out = capsys.readouterr().out
    assert "refused: ExpiredSignatureError" in out
    assert "#jwt-exp-now" in out
    assert "documented deviations, 0 disagreements" in out
    for token in fx.tokens().values():
        assert token[:40] not in out
    assert "user-1" not in out
    assert fx.KEY not in out


def test_a_short_key_is_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    """A key under RFC 7518's minimum is reported with the deviation row, not as a failure."""
    from jose import jwt as jose_jwt

    monkeypatch.setenv("LEANCORE_CLI_KEY", "short")
    path = tmp_path / "t.txt"
    path.write_text(jose_jwt.encode({"sub": "u"}, "short") + "\n")
    status, report = _run_json(["tokens", "--key-env", "LEANCORE_CLI_KEY", str(path)], capsys)
    assert status == 0
    assert report["rows"][0]["verdict"] == "same"
    assert any("#jwt-short-key" in note for note in report["notes"])


def _raw_token(header: bytes, payload: bytes, key: str) -> str:
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(header)}.{b64(payload)}"
    return f"{signing_input}.{b64(hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest())}"


@pytest.mark.parametrize(("name", "token", "key", "expected"), [
    ("nan", _raw_token(b'{"alg":"HS256","typ":"JWT"}', b'{"sub":"u","n":NaN}', fx.KEY), fx.KEY,
     {"python-jose": "jwt-json", "PyJWT": "jwt-json"}),
    ("duplicate-claim", _raw_token(b'{"alg":"HS256","typ":"JWT"}', b'{"sub":"u","sub":"v"}', fx.KEY), fx.KEY,
     {"python-jose": "jwt-json", "PyJWT": "jwt-json"}),
    ("big-header", _raw_token(b'{"alg":"HS256","typ":"JWT","x":"' + b"h" * 600 + b'"}', b'{"sub":"u"}', fx.KEY),
     fx.KEY, {"python-jose": "jwt-header-size", "PyJWT": "jwt-header-size"}),
    ("empty-key", _raw_token(b'{"alg":"HS256","typ":"JWT"}', b'{"sub":"u"}', ""), "",
     {"python-jose": "jwt-empty-key"}),  # PyJWT 2.15 refuses an empty key in decode too (InvalidKeyError)
    ("json-string-key", _raw_token(b'{"alg":"HS256","typ":"JWT"}', b'{"sub":"u"}', '"' + "q" * 40 + '"'),
     '"' + "q" * 40 + '"', {"python-jose": "jwt-str-key"}),
])
def test_the_other_deviation_rules(name: str, token: str, key: str, expected: dict[str, str]) -> None:
    """NaN and repeated claims, an oversized header, an empty key and a key that parses as JSON are each named."""
    from compat_tests._cli_tokens import check_token
    from compat_tests._tokens import DecodeOptions

    row = check_token(token, key, DecodeOptions(now=fx.NOW))
    assert {d["reference"]: d["deviation"] for d in row["differences"]} == expected, row
    assert row["verdict"] == "deviation"


def test_old_pyjwt_accepting_a_non_string_subject_is_the_release_row() -> None:
    """PyJWT before 2.10 accepts `sub: 5` (pinned on those releases by release/test_pyjwt.py); here its answer is
    given as such, and the rule names the release row."""
    from compat_tests._token_deviations import Token, explain
    from compat_tests._tokens import DecodeOptions, Outcome, decode_core
    from core import jwt as core_jwt

    token = core_jwt.encode({"sub": 5}, fx.KEY)
    opts = DecodeOptions(now=fx.NOW)
    outcomes = {"core": decode_core(token, fx.KEY, opts), "PyJWT": Outcome(True, {"sub": 5})}
    assert outcomes["core"].error == "InvalidSubjectError"
    assert explain(Token(token), fx.KEY, opts, outcomes, "PyJWT") == "release-pyjwt-claim-types"

"""`python -m compat_tests oracles` and the token command's input forms: installed releases beside the pins of the
`compat` extra (a new release under tox -e compat-latest fails the first test by name), Bearer-prefixed lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compat_tests import _cli_fixtures as fx
from compat_tests._cli import main


def test_every_reference_library_is_its_pinned_release(capsys: pytest.CaptureFixture[str]) -> None:
    """Each of the five reference libraries is installed at the release the compat extra pins."""
    assert main(["oracles", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["library"] for r in report["oracles"]] == ["python-jose", "PyJWT", "passlib", "bcrypt",
                                                         "email-validator"]
    assert report["differs"] == [], report["oracles"]
    assert all(r["state"] == "same as the pin" for r in report["oracles"])


def test_the_oracles_table(capsys: pytest.CaptureFixture[str]) -> None:
    """The terminal form lists each library with its pin and installed release."""
    assert main(["oracles"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["library", "pinned", "installed"]
    assert "email-validator" in out


def test_bearer_prefixed_lines_are_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A line copied from an Authorization header (`Bearer <token>`) is read as the token."""
    monkeypatch.setenv("LEANCORE_CLI_KEY", fx.KEY)
    path = tmp_path / "t.txt"
    path.write_text(f"Bearer {fx.tokens()['jose-valid']}\n")
    argv = ["tokens", "--key-env", "LEANCORE_CLI_KEY", "--audience", "api", "--now", str(fx.NOW), "--json"]
    assert main([*argv, str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][0]["decisions"]["core"] == "accepted"


def test_a_bad_now_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """--now that is neither epoch seconds nor ISO 8601 is refused by the argument parser (status 2)."""
    with pytest.raises(SystemExit) as exited:
        main(["tokens", "--key-env", "X", "--now", "yesterday"])
    assert exited.value.code == 2
    assert "not a time" in capsys.readouterr().err


def test_the_pins_are_read_as_tomllib_reads_them() -> None:
    """The pattern that reads the compat extra (no tomllib on Python 3.10) finds what tomllib finds."""
    import tomllib

    from compat_tests import _oracles

    extra = tomllib.loads(_oracles.PYPROJECT.read_text())["project"]["optional-dependencies"]["compat"]
    assert _oracles.pins() == dict(spec.split("==") for spec in extra)

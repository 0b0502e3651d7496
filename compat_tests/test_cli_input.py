"""Hostile input to `python -m compat_tests`: binary garbage, a 10 MB line, NUL bytes, missing files and keys each
end in a one-line message naming the problem (never the content) and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compat_tests import _cli_fixtures as fx
from compat_tests._cli import main

ROOT = Path(__file__).resolve().parent.parent
GARBAGE = bytes(range(256)) * 64  # every byte value: invalid UTF-8, NULs, control bytes
# name -> (file content, the message expected on stderr)
HOSTILE = {
    "binary-garbage": (b"\xff\xfe\x80garbage\x81\n", "line 1: not UTF-8 text"),
    "ten-megabyte-line": (b"A" * 10_000_000 + b"\n", "line 1: longer than"),
    "nul-bytes": (b"eyJ0eXAi\x00OiJKV1Qi\n", "line 1: contains a NUL byte"),
    "nul-on-a-later-line": (b"\n" * 4 + b"\x00\x00\x00\n", "line 5: contains a NUL byte"),
    "all-bytes": (GARBAGE, "line 1:"),
    "empty": (b"", "no "),
    "only-blank-lines": (b"\n\r\n  \n", "no "),
}
COMMANDS = {
    "tokens": ["tokens", "--key-env", "LEANCORE_CLI_KEY"],
    "hashes": ["hashes"],
    "check-passwords": ["hashes", "--check-passwords"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_a_clear_message_and_exit_2(name: str, command: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Every command refuses each hostile file with its message on stderr, nothing on stdout, status 2."""
    monkeypatch.setenv("LEANCORE_CLI_KEY", fx.KEY)
    content, message = HOSTILE[name]
    path = tmp_path / "input"
    path.write_bytes(content)
    assert main([*COMMANDS[command], str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert message in captured.err
    assert captured.err.count("\n") == 1
    assert "garbage" not in captured.err
    assert len(captured.err) < 300


@pytest.mark.parametrize(("argv", "message"), [
    (["hashes", "/nonexistent/dump.txt"], "cannot open /nonexistent/dump.txt"),
    (["tokens", "--key-env", "LEANCORE_CLI_UNSET_KEY", "-"], "LEANCORE_CLI_UNSET_KEY is not set"),
])
def test_missing_file_or_key(argv: list[str], message: str, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing file or key variable is named in one line, status 2."""
    monkeypatch.delenv("LEANCORE_CLI_UNSET_KEY", raising=False)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_pairs_without_a_tab_never_echo_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A --check-passwords line that is not password<TAB>hash is refused without showing it (it may be a password)."""
    path = tmp_path / "pairs"
    path.write_text("my-secret-password $2b$04$abcdefghijklmnopqrstuu\n")
    assert main(["hashes", "--check-passwords", str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 1: expected password<TAB>hash" in err
    assert "my-secret-password" not in err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_module_entry_point_on_garbage_from_stdin(command: str) -> None:
    """`python -m compat_tests ... -` reading garbage from stdin: the message, status 2, no traceback."""
    argv = COMMANDS[command] + ["-"]
    result = subprocess.run([sys.executable, "-m", "compat_tests", *argv], input=GARBAGE, capture_output=True,
                            cwd=ROOT, env={"LEANCORE_CLI_KEY": fx.KEY, "PATH": ""}, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stderr.startswith(b"error: line 1:")
    assert result.stdout == b""


def test_help_runs() -> None:
    """`python -m compat_tests --help` lists the commands."""
    result = subprocess.run([sys.executable, "-m", "compat_tests", "--help"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 0
    assert all(name in result.stdout for name in ("tokens", "hashes", "oracles"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=400) | st.lists(st.text(max_size=60), max_size=6).map(
    lambda rows: "\n".join(rows).encode("utf-8", "surrogatepass")))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_any_bytes_end_in_a_report_or_a_message(command: str, content: bytes, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever the file holds, each command ends with status 0, 1 or 2 and either a report or one error line."""
    monkeypatch.setenv("LEANCORE_CLI_KEY", fx.KEY)
    path = tmp_path / "fuzz"
    path.write_bytes(content)
    status = main([*COMMANDS[command], str(path)])
    captured = capsys.readouterr()
    assert status in (0, 1, 2)
    if status == 2:
        assert captured.err.startswith("error: ")
        assert captured.err.count("\n") == 1
        assert captured.out == ""
    else:
        assert captured.out

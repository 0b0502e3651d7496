"""python -m core.initialization in process: --help, JSON indentation, the invalid-settings report and exit codes,
and the terminal summary's wording (unknown database, error counts)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from core.initialization import InitializationReport, StepResult
from core.initialization.__main__ import main, summary
from core.migrations import load_migrations

ADMIN = "admin@example.com"
LATEST = max(m.version for m in load_migrations("sqlite"))
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *, tty: bool = False, **env: str) -> None:
    """Only ``env`` of leancore's variables is set, the working directory is ``tmp_path``, stdout a tty or not."""
    from core.settings import VARIABLES

    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)


def test_help_names_the_command_and_describes_each_option(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--help shows 'python -m core.initialization' as the program, what it does and every option's help; exit 0."""
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "usage: python -m core.initialization [-h] [--database-url DATABASE_URL] [--json] [--indent INDENT]\n")
    assert "\nApply pending migrations, create the super admin, seed site settings; report what was done.\n" in out
    assert re.search(r"--database-url DATABASE_URL\s+use this database instead of DATABASE_URL\n", out)
    assert re.search(r"--json\s+print the JSON report \(the default when stdout is not a terminal\)\n", out)
    assert re.search(r"--indent INDENT\s+JSON indentation \(default 2; 0 for one line\)\n", out)


def test_piped_json_is_indented_by_two_by_default_and_one_line_with_indent_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Piped, the report is JSON indented by 2 spaces; --indent 0 prints it on one line, --indent 4 by four."""
    _env(monkeypatch, tmp_path)
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith('{\n  "ok": true,\n  "database_type": "sqlite",\n')
    assert json.loads(out)["schema_version"] == LATEST
    assert main(["--indent", "0"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith('{"ok": true, "database_type": "sqlite", ')
    assert main(["--indent", "4"]) == 0
    assert capsys.readouterr().out.startswith('{\n    "ok": true,\n')


def _expected_invalid(detail: str) -> dict[str, Any]:
    return {
        "ok": False, "database_type": None, "schema_version": 0, "duration_ms": 0.0,
        "steps": [{"name": "settings", "status": "failed", "detail": detail, "duration_ms": 0.0}],
        "created": {"migrations": [], "users": [], "site_settings": []}, "email_collisions": [],
        "errors": [f"settings: {detail}"]}


def test_invalid_settings_piped_give_a_json_report_with_one_failed_settings_step_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Invalid settings, piped: exit 2 and the whole report (indented by 2): one failed 'settings' step whose detail
    is the SettingsError's message, no database type, schema version 0, a start time."""
    _env(monkeypatch, tmp_path, ENVIRONMENT="production")
    assert main([]) == 2
    out = capsys.readouterr().out
    data = json.loads(out)
    assert TIMESTAMP.fullmatch(data.pop("started_at"))
    assert data == _expected_invalid("invalid settings: SECRET_KEY: required in production")
    assert out.startswith('{\n  "ok": false,\n  "database_type": null,\n')
    assert not (tmp_path / "leancore.sqlite3").exists()  # nothing was connected to


def test_invalid_settings_json_keeps_non_ascii_and_follows_indent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With --json --indent 0 the invalid-settings report is one line, and a non-ASCII value is printed as is."""
    _env(monkeypatch, tmp_path, tty=True, ENVIRONMENT="prodé")
    assert main(["--json", "--indent", "0"]) == 2
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "got 'prodé'" in out
    data = json.loads(out)
    del data["started_at"]
    assert data == _expected_invalid(
        "invalid settings: ENVIRONMENT: must be 'development' or 'production', got 'prodé'")


def test_invalid_settings_on_a_terminal_print_a_heading_and_one_line_per_problem(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """On a tty, invalid settings print exactly a heading and '  - NAME: problem' per problem; exit 2."""
    _env(monkeypatch, tmp_path, tty=True, ENVIRONMENT="production", ADMIN_EMAIL="admin@example.com")
    assert main([]) == 2
    assert capsys.readouterr().out == (
        "leancore initialisation: the settings are invalid:\n"
        "  - SECRET_KEY: required in production\n"
        "  - SUPER_ADMIN_PASSWORD: required when ADMIN_EMAIL is set\n")


def test_an_unsupported_database_url_on_a_terminal_is_an_unknown_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--database-url mysql://... on a tty: the summary names an 'unknown database', shows the connect error once,
    and ends with 'FAILED: 1 error'; exit 1."""
    _env(monkeypatch, tmp_path, tty=True)
    assert main(["--database-url", "mysql://x/y"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "leancore initialisation (unknown database):"
    assert lines[1].startswith("  failed   connect: unsupported database URL 'mysql://x/y': use sqlite:///")
    assert lines[2:] == ["FAILED: 1 error; the database is not fully initialised"]


def test_summary_counts_errors_in_the_plural_and_adds_those_no_step_shows() -> None:
    """Several errors: 'FAILED: 3 errors'; an error without a failed step (schema_version) gets an 'error' line."""
    report = InitializationReport("postgresql", "t")
    report.add(StepResult("migrations_table", "applied", "created the migrations table"))
    report.add(StepResult("migration 0001_initial.sql", "failed", "boom"))
    report.add(StepResult("super_admin", "failed", "bang"))
    report.errors.append("schema_version: gone")
    assert summary(report) == (
        "leancore initialisation (postgresql):\n"
        "  applied  migrations_table: created the migrations table\n"
        "  failed   migration 0001_initial.sql: boom\n"
        "  failed   super_admin: bang\n"
        "  error    schema_version: gone\n"
        "FAILED: 3 errors; the database is not fully initialised")
    empty = InitializationReport(None, "t")
    empty.errors.extend(["a: x", "b: y"])
    assert summary(empty).splitlines() == ["leancore initialisation (unknown database):", "  error    a: x",
                                           "  error    b: y", "FAILED: 2 errors; the database is not fully initialised"]


def test_cli_on_a_terminal_prints_a_summary_without_d1_wording(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """On a tty: one line per step and a closing line (no JSON, no D1 table name); a second run: nothing to do."""
    _env(monkeypatch, tmp_path, tty=True, ADMIN_EMAIL=ADMIN, SUPER_ADMIN_PASSWORD="pw", PASSWORD_ROUNDS="1000")
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "applied  migrations_table: created the migrations table" in out
    assert f"applied  super_admin: created super admin {ADMIN}" in out
    assert out.splitlines()[-1] == f"ok: schema version {LATEST}, changes applied"
    assert "{" not in out
    assert "d1" not in out.lower()
    assert main([]) == 0
    again = capsys.readouterr().out.splitlines()[-1]
    assert again == f"ok: schema version {LATEST}, nothing to do, already initialised"


def test_cli_on_a_terminal_prints_each_error_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An unreachable database on a tty: its error appears exactly once, then a FAILED line; exit 1."""
    _env(monkeypatch, tmp_path, tty=True)
    assert main(["--database-url", f"sqlite:///{tmp_path / 'nope' / 'x.sqlite3'}"]) == 1
    out = capsys.readouterr().out
    assert out.count("cannot open SQLite database") == 1
    assert out.splitlines()[-1] == "FAILED: 1 error; the database is not fully initialised"


def test_cli_on_a_terminal_lists_each_invalid_setting_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Invalid settings on a tty: one line per problem, exit 2."""
    _env(monkeypatch, tmp_path, tty=True, ENVIRONMENT="production", ADMIN_EMAIL=ADMIN)
    assert main([]) == 2
    out = capsys.readouterr().out
    assert out.count("SECRET_KEY: required in production") == 1
    assert "  - SUPER_ADMIN_PASSWORD: required when ADMIN_EMAIL is set" in out
    assert "{" not in out


def test_cli_json_flag_prints_the_report_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--json gives the JSON report even when stdout is a terminal."""
    _env(monkeypatch, tmp_path, tty=True)
    assert main(["--json"]) == 0
    assert json.loads(capsys.readouterr().out)["schema_version"] == LATEST

"""api._create_admin: ``python -m api create-admin`` creates the super admin or resets it, under the api's rule."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

import api._create_admin as create_admin
from api import create_app
from api.schemas import Password
from core.db import connect
from core.initialization import initialize
from core.settings import PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, Settings

EMAIL, PASSWORD = "boss@example.com", "a new passphrase"


def _env(database_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SECRET_KEY": "k" * 40, "PASSWORD_ROUNDS": "1000"}


def cli(database_url: str, cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m api create-admin ARGS`` with ``stdin`` piped in and only the test's leancore variables set."""
    from core.settings import VARIABLES

    env = {k: v for k, v in os.environ.items() if k not in VARIABLES} | _env(database_url)
    return subprocess.run([sys.executable, "-m", "api", "create-admin", *args], input=stdin, env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


class Run:
    """The command run in-process (the same ``main`` ``python -m api create-admin`` calls): exit status and output."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.monkeypatch, self.capsys = monkeypatch, capsys

    def __call__(self, database_url: str, *args: str, stdin: str = "") -> tuple[int, str, str]:
        from core.settings import VARIABLES

        for name in VARIABLES:
            self.monkeypatch.delenv(name, raising=False)
        for name, value in _env(database_url).items():
            self.monkeypatch.setenv(name, value)
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = create_admin.main(list(args))
        captured = self.capsys.readouterr()
        return status, captured.out, captured.err


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(monkeypatch, capsys)


def initialised(database_url: str) -> str:
    report = asyncio.run(initialize(Settings.from_env(_env(database_url))))
    assert report.ok, report.errors
    return database_url


def rows(database_url: str) -> list[dict[str, Any]]:
    async def main() -> list[dict[str, Any]]:
        db = await connect(database_url)
        try:
            return await db.fetch_all("SELECT email, is_active, is_superuser FROM users ORDER BY id")
        finally:
            await db.close()

    return asyncio.run(main())


def execute(database_url: str, sql: str, params: tuple[Any, ...] = ()) -> None:
    async def main() -> None:
        db = await connect(database_url)
        try:
            await db.execute(sql, params)
        finally:
            await db.close()

    asyncio.run(main())


def execute_fetch(database_url: str, sql: str) -> list[dict[str, Any]]:
    async def main() -> list[dict[str, Any]]:
        db = await connect(database_url)
        try:
            return await db.fetch_all(sql)
        finally:
            await db.close()

    return asyncio.run(main())


def login_status(database_url: str, email: str, password: str) -> int:
    async def main() -> int:
        app = create_app(Settings.from_env(_env(database_url)))
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
                response = await client.post("/auth/login", data={"username": email, "password": password})
                return response.status_code
        finally:
            await app.state.leancore.close()

    return asyncio.run(main())


@pytest.mark.subprocess
def test_creates_an_active_super_admin_from_stdin(database_url: str, tmp_path: Path) -> None:
    """--password-stdin on an initialised database: one active super admin row, and it logs in."""
    url = initialised(database_url)
    result = cli(url, tmp_path, "--email", " boss@Example.COM ", "--password-stdin", stdin=PASSWORD + "\n")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"created super admin {EMAIL}\n", "")
    assert [(r["email"], bool(r["is_active"]), bool(r["is_superuser"])) for r in rows(url)] == [(EMAIL, True, True)]
    assert login_status(url, EMAIL, PASSWORD) == 200


def test_resets_the_password_of_an_existing_account_and_reactivates_it(database_url: str, run: Run) -> None:
    """An inactive, demoted account: new password, active super admin again; the old password stops working."""
    url = initialised(database_url)
    assert run(url, "--email", EMAIL, "--password-stdin", stdin="the old password\n")[0] == 0
    execute(url, "UPDATE users SET is_active = ?, is_superuser = ? WHERE email = ?", (False, False, EMAIL))
    status, out, err = run(url, "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\r\n")
    assert status == 0, err
    assert out == f"{EMAIL}: password reset, re-activated, made super admin (its existing tokens no longer work)\n"
    assert [(bool(r["is_active"]), bool(r["is_superuser"])) for r in rows(url)] == [(True, True)]
    assert login_status(url, EMAIL, PASSWORD) == 200
    assert login_status(url, EMAIL, "the old password") == 401


@pytest.mark.parametrize(("password", "problem"), [
    ("short", "the password must be at least 8 characters"),
    ("x" * (PASSWORD_MAX_CHARS + 1), "the password must be at most 1024 characters"),
], ids=["short", "long"])
def test_refuses_a_password_the_api_would_refuse(tmp_path: Path, run: Run, password: str, problem: str) -> None:
    """Outside the api's rule: exit 2, one stderr line saying why, nothing written (in development too)."""
    url = initialised(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    status, _, err = run(url, "--email", EMAIL, "--password-stdin", stdin=password + "\n")
    assert (status, err) == (2, f"python -m api create-admin: {problem}\n")
    assert rows(url) == []


def test_an_uninitialised_database_is_refused_with_what_to_run(tmp_path: Path, run: Run) -> None:
    """A fresh database: exit 1 naming python -m core.initialization; no table is created behind the user's back."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    status, _, err = run(url, "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    assert status == 1
    assert "the database is not initialised: run python -m core.initialization" in err
    assert execute_fetch(url, "SELECT name FROM sqlite_master") == []


def test_an_invalid_email_is_refused(tmp_path: Path, run: Run) -> None:
    """--email that is not an address: exit 2 naming --email."""
    url = initialised(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    status, _, err = run(url, "--email", "not-an-email", "--password-stdin", stdin=PASSWORD + "\n")
    assert status == 2
    assert err.startswith("python -m api create-admin: --email: not a valid email address")


def test_without_a_terminal_and_without_password_stdin_it_says_how_to_pipe(tmp_path: Path, run: Run) -> None:
    """No tty to prompt on and no --password-stdin: exit 2 pointing at --password-stdin."""
    url = initialised(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    status, _, err = run(url, "--email", EMAIL)
    assert status == 2
    assert "--password-stdin" in err


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """An in-process run as on a terminal: stdin is a tty and getpass answers from the returned list."""
    url = initialised(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    for name, value in _env(url).items():
        monkeypatch.setenv(name, value)
    answers: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(create_admin.getpass, "getpass", lambda prompt: answers.pop(0))
    return answers


def test_the_prompt_asks_twice_and_creates_the_admin(terminal: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """At a terminal the password is asked twice through getpass; the same answer twice creates the admin."""
    terminal.extend([PASSWORD, PASSWORD])
    assert create_admin.main(["--email", EMAIL]) == 0
    assert capsys.readouterr().out == f"created super admin {EMAIL}\n"
    assert terminal == []


def test_the_prompt_refuses_two_different_answers(terminal: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Two different answers at the prompt: exit 2, nothing written."""
    terminal.extend([PASSWORD, PASSWORD + "!"])
    assert create_admin.main(["--email", EMAIL]) == 2
    assert capsys.readouterr().err == "python -m api create-admin: the two passwords differ\n"


def test_the_rule_is_the_api_password_field() -> None:
    """core.settings' password rule has the bounds of the api's Password field (one rule for every way in)."""
    bounds = {type(m).__name__: m for m in Password.__metadata__[0].metadata}
    assert (bounds["MinLen"].min_length, bounds["MaxLen"].max_length) == (PASSWORD_MIN_CHARS, PASSWORD_MAX_CHARS)

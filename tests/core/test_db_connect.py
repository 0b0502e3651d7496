"""core.db.connect / detect_database_type: URL forms, D1 bindings, and clear errors for the rest."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from core.db import (
    D1Database,
    DatabaseUnavailableError,
    UnsupportedDatabaseError,
    connect,
    detect_database_type,
    redact_url,
    sqlite_path,
)


class Binding:
    """Has D1's two entry points: enough to be recognised as a binding."""

    def prepare(self, sql: str) -> None: ...

    def batch(self, statements: list[object]) -> None: ...


@pytest.mark.parametrize(("target", "dialect"), [
    ("sqlite:///leancore.sqlite3", "sqlite"),
    ("sqlite:////var/db/x.sqlite3", "sqlite"),
    ("sqlite:///:memory:", "sqlite"),
    ("SQLite:///x.db", "sqlite"),
    ("postgresql://u:p@localhost:5432/db", "postgresql"),
    ("postgres://localhost/db", "postgresql"),
])
def test_detects_supported_urls(target: str, dialect: str) -> None:
    """Each supported URL form maps to its dialect (scheme case-insensitive)."""
    assert detect_database_type(target) == dialect


def test_detects_a_d1_binding() -> None:
    """Any object with callable prepare and batch is a D1 binding."""
    assert detect_database_type(Binding()) == "d1"


@pytest.mark.parametrize("target", ["mysql://u:hunter2@h/db", "leancore.sqlite3", "", "http://x", 42, object()])
def test_unknown_targets_name_the_supported_forms(target: object) -> None:
    """An unknown scheme or object raises UnsupportedDatabaseError (a ValueError) listing what is supported."""
    with pytest.raises(UnsupportedDatabaseError) as info:
        detect_database_type(target)
    message = str(info.value)
    assert "sqlite:///" in message
    assert "postgresql://" in message
    assert "D1 binding" in message
    assert "hunter2" not in message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(("url", "path"), [
    ("sqlite:///leancore.sqlite3", "leancore.sqlite3"),
    ("sqlite:///data/x.db", "data/x.db"),
    ("sqlite:////abs/x.db", "/abs/x.db"),
    ("sqlite:///:memory:", ":memory:"),
    ("sqlite:///with%20space.db", "with space.db"),
])
def test_sqlite_urls_follow_the_three_and_four_slash_convention(url: str, path: str) -> None:
    """Three slashes mean a path relative to the working directory, four an absolute one (SQLAlchemy's rule)."""
    assert sqlite_path(url) == path


@pytest.mark.parametrize("url", ["sqlite://host/x.db", "sqlite:///x.db?mode=ro", "sqlite:///", "sqlite://"])
def test_malformed_sqlite_urls_are_refused(url: str) -> None:
    """A host, a query string or no path at all is refused rather than guessed at."""
    with pytest.raises(UnsupportedDatabaseError, match="malformed SQLite URL"):
        sqlite_path(url)


def test_relative_sqlite_url_creates_the_file_in_the_working_directory(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The default URL form puts the database file in the current working directory."""
    monkeypatch.chdir(tmp_path)

    async def main() -> None:
        db = await connect("sqlite:///here.sqlite3")
        await db.execute("CREATE TABLE t (x)")
        await db.close()

    asyncio.run(main())
    assert (tmp_path / "here.sqlite3").is_file()


def test_connect_wraps_a_d1_binding_without_calling_it() -> None:
    """connect(binding) returns the D1 adapter; nothing is sent to the binding until a statement runs."""
    db = asyncio.run(connect(Binding()))
    assert isinstance(db, D1Database)
    assert db.dialect == "d1"


def test_postgres_without_psycopg_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """With psycopg not importable, a PostgreSQL URL fails with install commands that work as written."""
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(DatabaseUnavailableError) as caught:
        asyncio.run(connect("postgresql://localhost/db"))
    assert 'pip install "psycopg[binary]"' in str(caught.value)
    assert 'pip install ".[postgres]"' in str(caught.value)


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://u:hunter2@h:5432/db", "postgresql://u:***@h:5432/db"),
    ("postgresql://u@h/db", "postgresql://u@h/db"),
    ("postgresql://:pw@h/db", "postgresql://:***@h/db"),
])
def test_redact_url_hides_the_password(url: str, shown: str) -> None:
    """Error messages and reports show URLs with the password replaced by ***."""
    assert redact_url(url) == shown

"""core.migrations: shipped as package data, one folder per dialect, wrangler-compatible names and table."""

from __future__ import annotations

import asyncio
import importlib.metadata
import os
import re
from importlib import resources
from pathlib import Path

import pytest

import core
from core.db import connect
from core.migrations import (
    Migration,
    applied_migrations,
    apply_migration,
    ensure_migrations_table,
    load_migrations,
    version_of,
)


def test_each_dialect_ships_the_same_migration_names() -> None:
    """The sqlite (SQLite + D1) and postgresql folders hold the same NNNN_name.sql files, in order."""
    sqlite = [m.name for m in load_migrations("sqlite")]
    assert sqlite == [m.name for m in load_migrations("postgresql")]
    assert sqlite == [m.name for m in load_migrations("d1")]
    assert sqlite[0] == "0001_initial.sql"
    assert all(re.fullmatch(r"\d{4}_[a-z0-9_]+\.sql", name) for name in sqlite)
    assert [version_of(n) for n in sqlite] == list(range(1, len(sqlite) + 1))


def test_migration_files_are_readable_through_importlib_resources() -> None:
    """The .sql files are reachable as package resources (how an installed wheel or Pyodide reads them)."""
    for folder in ("sqlite", "postgresql"):
        entry = resources.files("core.migrations").joinpath(folder, "0001_initial.sql")
        assert entry.is_file()
        assert "CREATE TABLE users" in entry.read_text(encoding="utf-8")


@pytest.mark.cpython_only(reason="checks the installed wheel; Pyodide gets core copied from the source tree")
def test_the_installed_wheel_lists_the_sql_files() -> None:
    """In the tox envs (core installed from the wheel) the distribution's RECORD contains every .sql file."""
    if os.environ.get("LEANCORE_EXPECT_ONLY") is None:
        pytest.skip("only meaningful where leancore is installed from its wheel (the core-pyXY tox envs)")
    assert "site-packages" in Path(core.__file__).parts
    recorded = {str(f) for f in importlib.metadata.files("leancore") or []}
    for migration in load_migrations("sqlite"):
        assert f"core/migrations/sqlite/{migration.name}" in recorded
        assert f"core/migrations/postgresql/{migration.name}" in recorded


def test_the_sqlite_folder_holds_only_sql_files() -> None:
    """wrangler's migrations_dir can point at core/migrations/sqlite: nothing but .sql files live there."""
    names = [e.name for e in resources.files("core.migrations").joinpath("sqlite").iterdir()
             if e.name != "__pycache__"]
    assert names
    assert all(name.endswith(".sql") for name in names)


def test_migrations_contain_no_transaction_control() -> None:
    """No BEGIN/COMMIT in migration files: D1 refuses them and every applier adds its own transaction."""
    for dialect in ("sqlite", "postgresql"):
        for migration in load_migrations(dialect):  # type: ignore[arg-type]
            for statement in migration.statements():
                assert not re.match(r"(?is)^(\s|--[^\n]*\n)*(BEGIN|COMMIT|ROLLBACK|END)\b", statement)


def test_wrangler_and_core_record_the_same_row(tmp_path: Path) -> None:
    """Applying 0001 records its file name in d1_migrations(id, name, applied_at) exactly as wrangler does."""

    async def main() -> None:
        db = await connect(f"sqlite:///{tmp_path / 'w.sqlite3'}")
        assert await ensure_migrations_table(db) is True
        assert await ensure_migrations_table(db) is False
        await apply_migration(db, load_migrations("sqlite")[0])
        rows = await db.fetch_all("SELECT id, name, applied_at FROM d1_migrations")
        assert [(r["id"], r["name"]) for r in rows] == [(1, "0001_initial.sql")]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[0]["applied_at"])  # CURRENT_TIMESTAMP
        columns = await db.fetch_all("SELECT name FROM pragma_table_info('d1_migrations') ORDER BY cid")
        assert [c["name"] for c in columns] == ["id", "name", "applied_at"]
        assert await applied_migrations(db) == ["0001_initial.sql"]
        await db.close()

    asyncio.run(main())


def test_0003_gives_existing_users_token_version_0(tmp_path: Path) -> None:
    """On a database at 0002 holding a user, 0003 adds users.token_version: 0 for that row and for new rows, and
    NOT NULL."""

    async def main() -> None:
        db = await connect(f"sqlite:///{tmp_path / 'v.sqlite3'}")
        await ensure_migrations_table(db)
        first, second, third = load_migrations("sqlite")[:3]
        assert third.name == "0003_token_version.sql"
        for migration in (first, second):
            await apply_migration(db, migration)
        await db.execute("INSERT INTO users (email, hashed_password) VALUES ('old@example.com', 'h')")
        await apply_migration(db, third)
        await db.execute("INSERT INTO users (email, hashed_password) VALUES ('new@example.com', 'h')")
        assert await db.fetch_all("SELECT email, token_version FROM users ORDER BY id") == [
            {"email": "old@example.com", "token_version": 0}, {"email": "new@example.com", "token_version": 0}]
        column = await db.fetch_one("SELECT \"notnull\" AS nn FROM pragma_table_info('users') WHERE name = ?",
                                    ("token_version",))
        assert column == {"nn": 1}
        await db.close()

    asyncio.run(main())


def test_version_of_reads_the_leading_number() -> None:
    """A migration's version is its leading number; a name outside the pattern counts as 0."""
    assert version_of("0002_throttle.sql") == 2
    assert version_of("0010_x.sql") == 10
    assert version_of("initial.sql") == 0
    assert Migration("0003_a.sql", "SELECT 1;").version == 3


def test_migration_is_a_value() -> None:
    """Migration compares and hashes by value, builds by position or keyword, and cannot be changed in place."""
    first, same = Migration("0001_a.sql", "SELECT 1;"), Migration(name="0001_a.sql", sql="SELECT 1;")
    assert first == same
    assert hash(first) == hash(same)
    assert first != Migration("0001_a.sql", "SELECT 2;")
    with pytest.raises(AttributeError):
        first.name = "0002_b.sql"  # type: ignore[misc]

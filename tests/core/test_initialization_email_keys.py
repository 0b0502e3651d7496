"""Migration 0004 and core.initialization on a database that already holds colliding addresses: every row kept,
the oldest of each group keyed, the others reported, and new colliding writes refused."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from core.db import IntegrityError, connect
from core.initialization import email_collisions, initialize_database
from core.migrations import load_migrations
from core.settings import Settings

SETTINGS = Settings(password_rounds=1000)
BEFORE_KEYS = [m for m in load_migrations("sqlite") if m.version < 4]
ROWS = ["alice@example.com", "Alice@example.com", "ALICE@example.com", "\uff41lice@example.com",
        "bob@example.com", "JOSÉ@example.com", "josé@example.com"]


def run(path: Path, body: Any) -> Any:
    async def main() -> Any:
        db = await connect(f"sqlite:///{path}")
        try:
            return await body(db)
        finally:
            await db.close()

    return asyncio.run(main())


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """A database at schema 3 holding the rows a case-sensitive api let in."""
    path = tmp_path / "legacy.sqlite3"

    async def body(db: Any) -> None:
        assert (await initialize_database(db, SETTINGS, migrations=BEFORE_KEYS, hasher=str)).ok
        for email in ROWS:
            await db.execute("INSERT INTO users (email, hashed_password) VALUES (?, ?)", (email, "x"))

    run(path, body)
    return path


def test_migration_keeps_every_row_and_reports_each_collision(legacy: Path) -> None:
    """All seven rows survive; alice (ids 1-4) and josé (ids 6, 7) are the reported groups, holder first."""

    async def body(db: Any) -> Any:
        report = await initialize_database(db, SETTINGS, hasher=str)
        rows = await db.fetch_all("SELECT id, email, email_key FROM users ORDER BY id")
        return report, rows, await email_collisions(db)

    report, rows, collisions = run(legacy, body)
    assert report.ok, report.errors
    assert [r["email"] for r in rows] == ROWS
    assert report.email_collisions == collisions == [[1, 2, 3, 4], [6, 7]]
    assert report.to_dict()["email_collisions"] == [[1, 2, 3, 4], [6, 7]]
    step = next(s for s in report.steps if s.name == "email_keys")
    assert "ids 1, 2, 3, 4; 6, 7" in step.detail
    keys = {r["id"]: r["email_key"] for r in rows}
    assert keys == {1: "alice@example.com", 2: None, 3: None, 4: None, 5: "bob@example.com",
                    6: "josé@example.com", 7: None}


def test_second_run_changes_nothing_and_still_reports(legacy: Path) -> None:
    """Initialisation stays idempotent: the second run keys nothing more and reports the same groups."""

    async def body(db: Any) -> Any:
        await initialize_database(db, SETTINGS, hasher=str)
        return await initialize_database(db, SETTINGS, hasher=str)

    again = run(legacy, body)
    assert not again.changed
    assert again.email_collisions == [[1, 2, 3, 4], [6, 7]]


def test_a_colliding_new_write_is_refused(legacy: Path) -> None:
    """After the migration, inserting another spelling of a keyed address violates the unique key."""

    async def body(db: Any) -> None:
        await initialize_database(db, SETTINGS, hasher=str)
        with pytest.raises(IntegrityError):
            await db.execute("INSERT INTO users (email, email_key, hashed_password) VALUES (?, ?, ?)",
                             ("BOB@example.com", "bob@example.com", "x"))

    run(legacy, body)


def test_renaming_an_unkeyed_row_resolves_its_collision(legacy: Path) -> None:
    """Once an admin gives a colliding row a distinct address, the next run keys it and drops it from the report."""

    async def body(db: Any) -> Any:
        await initialize_database(db, SETTINGS, hasher=str)
        await db.execute("UPDATE users SET email = ? WHERE id = ?", ("alice.two@example.com", 2))
        return await initialize_database(db, SETTINGS, hasher=str)

    report = run(legacy, body)
    assert report.email_collisions == [[1, 3, 4], [6, 7]]
    assert run(legacy, lambda db: db.fetch_one("SELECT email_key FROM users WHERE id = 2")) == {
        "email_key": "alice.two@example.com"}


def test_the_super_admin_is_found_by_key(tmp_path: Path) -> None:
    """ADMIN_EMAIL in another case than the stored account finds it: no second super admin is created."""
    path = tmp_path / "db.sqlite3"

    async def body(db: Any) -> Any:
        first = Settings(admin_email="admin@example.com", super_admin_password="correct horse", password_rounds=1000)
        await initialize_database(db, first, hasher=str)
        shouting = Settings(admin_email="ADMIN@example.com", super_admin_password="correct horse",
                            password_rounds=1000)
        report = await initialize_database(db, shouting, hasher=str)
        return report, await db.fetch_all("SELECT email FROM users")

    report, users = run(path, body)
    assert users == [{"email": "admin@example.com"}]
    assert report.created["users"] == []

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


def test_the_report_counts_the_rows_rekeyed_and_names_each_group(legacy: Path) -> None:
    """First run: 'keyed 3 account(s)' (the fullwidth alice unkeyed, JOSÉ takes josé's key from the younger row)
    and the groups with the fix to apply; the second run keys nothing and still lists them."""

    async def body(db: Any) -> Any:
        first = await initialize_database(db, SETTINGS, hasher=str)
        return first, await initialize_database(db, SETTINGS, hasher=str)

    first, second = run(legacy, body)
    found = ("; 2 address(es) shared by several accounts: ids 1, 2, 3, 4; 6, 7 "
             "(give each a distinct address: PATCH /users/{id})")
    step = next(s for s in first.steps if s.name == "email_keys")
    assert (step.status, step.detail) == ("applied", "keyed 3 account(s)" + found)
    step = next(s for s in second.steps if s.name == "email_keys")
    assert (step.status, step.detail) == ("skipped", "every account is keyed" + found)


UNICODE_ROWS = ["josé@example.com", "ÉMILE@example.com", "bob@example.com", "ZOË@example.com", "\uff42ob@example.com"]


def test_non_ascii_addresses_get_their_real_key_and_a_taken_one_is_unkeyed(tmp_path: Path) -> None:
    """Rows after a correctly keyed one are still re-keyed (ÉMILE, ZOË), a row whose real key bob already holds loses
    its SQL key; the step counts the three changed rows and reports bob's group."""
    path = tmp_path / "legacy.sqlite3"

    async def body(db: Any) -> Any:
        assert (await initialize_database(db, SETTINGS, migrations=BEFORE_KEYS, hasher=str)).ok
        for email in UNICODE_ROWS:
            await db.execute("INSERT INTO users (email, hashed_password) VALUES (?, ?)", (email, "x"))
        report = await initialize_database(db, SETTINGS, hasher=str)
        return report, await db.fetch_all("SELECT id, email_key FROM users ORDER BY id")

    report, rows = run(path, body)
    assert {r["id"]: r["email_key"] for r in rows} == {
        1: "josé@example.com", 2: "émile@example.com", 3: "bob@example.com", 4: "zoë@example.com", 5: None}
    step = next(s for s in report.steps if s.name == "email_keys")
    assert step.detail == ("keyed 3 account(s); 1 address(es) shared by several accounts: ids 3, 5 "
                           "(give each a distinct address: PATCH /users/{id})")
    assert report.email_collisions == [[3, 5]]


def test_collisions_without_a_key_holder_are_listed_and_lone_unkeyed_rows_are_not(tmp_path: Path) -> None:
    """email_collisions groups unkeyed rows sharing an address even when no account holds its key; a single unkeyed
    row with a free address is no collision."""
    path = tmp_path / "db.sqlite3"

    async def body(db: Any) -> Any:
        assert (await initialize_database(db, SETTINGS, hasher=str)).ok
        for email in ("X@example.com", "solo@example.com", "x@example.com"):
            await db.execute("INSERT INTO users (email, hashed_password) VALUES (?, ?)", (email, "x"))
        return await email_collisions(db)

    assert run(path, body) == [[1, 3]]

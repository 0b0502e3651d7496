"""core.db PostgreSQL adapter and core.initialization on a real PostgreSQL server (tox -e db)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from core.db import (
    Database,
    DatabaseError,
    DatabaseUnavailableError,
    DatabaseValueError,
    IntegrityError,
    PostgresDatabase,
    TransactionConflictError,
    connect,
)
from core.initialization import DEFAULT_SITE_SETTINGS, InitializationReport, initialize, initialize_database
from core.migrations import Migration, apply_migration, ensure_migrations_table, load_migrations
from core.settings import Settings

pytestmark = pytest.mark.postgres
ADMIN = "admin@example.com"
SETTINGS = Settings(admin_email=ADMIN, super_admin_password="correct horse", password_rounds=1000)


def run_on(url: str, body: Callable[[Database], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        db = await connect(url)
        try:
            return await body(db)
        finally:
            await db.close()

    return asyncio.run(main())


def test_round_trip_with_qmark_placeholders_and_percent_literals(pg_url: str) -> None:
    """? binds parameters on PostgreSQL too; literal % in the SQL survives the translation to %s."""

    async def body(db: Database) -> None:
        assert db.dialect == "postgresql"
        await db.execute("CREATE TABLE t (id SERIAL PRIMARY KEY, name TEXT, flag BOOLEAN)")
        assert await db.execute("INSERT INTO t (name, flag) VALUES (?, ?), (?, ?)", ("a%", True, "b?", False)) == 2
        assert await db.fetch_one("SELECT name, flag FROM t WHERE name LIKE '%\\%' ESCAPE '\\' AND flag = ?",
                                  (True,)) == {"name": "a%", "flag": True}
        assert await db.fetch_one("SELECT '100%' AS v, '?' AS q") == {"v": "100%", "q": "?"}
        assert await db.fetch_all("SELECT id, name FROM t ORDER BY id") == [{"id": 1, "name": "a%"},
                                                                            {"id": 2, "name": "b?"}]
        assert await db.fetch_one("SELECT 1 AS x WHERE false") is None
        assert await db.execute("UPDATE t SET flag = ?", (False,)) == 2

    run_on(pg_url, body)


def test_timestamps_come_back_as_iso_utc_text(pg_url: str) -> None:
    """timestamptz values are rendered as ISO-8601 UTC text with milliseconds, the shape SQLite stores."""

    async def body(db: Database) -> None:
        row = await db.fetch_one("SELECT TIMESTAMPTZ '2025-01-31 13:00:00.123456+01' AS at, DATE '2025-02-01' AS d")
        assert row == {"at": "2025-01-31T12:00:00.123Z", "d": "2025-02-01"}

    run_on(pg_url, body)


def test_batch_is_all_or_nothing_including_ddl(pg_url: str) -> None:
    """A failing batch leaves neither its table nor its rows; a good batch commits all of them."""

    async def body(db: Database) -> None:
        await db.execute("CREATE TABLE t (x TEXT UNIQUE)")
        with pytest.raises(IntegrityError, match="duplicate key"):
            await db.batch([("CREATE TABLE u (y TEXT)", ()), ("INSERT INTO t VALUES (?)", ("one",)),
                            ("INSERT INTO t VALUES (?)", ("one",))])
        assert await db.fetch_all("SELECT x FROM t") == []
        assert await db.fetch_one("SELECT to_regclass('u') AS r") == {"r": None}
        await db.batch([("INSERT INTO t VALUES (?)", ("one",)), ("INSERT INTO t VALUES (?)", ("two",))])
        assert await db.fetch_all("SELECT x FROM t ORDER BY x") == [{"x": "one"}, {"x": "two"}]
        with pytest.raises(DatabaseError, match="does not exist") as info:
            await db.fetch_all("SELECT * FROM missing")
        assert not isinstance(info.value, IntegrityError)
        assert await db.fetch_one("SELECT 1 AS still_usable") == {"still_usable": 1}

    run_on(pg_url, body)


def test_text_with_a_lone_surrogate_is_a_typed_value_error(pg_url: str) -> None:
    """A str parameter with no UTF-8 form is DatabaseValueError (not a leaked UnicodeEncodeError), from execute
    and from batch; the batch rolls back and the connection stays usable."""

    async def body(db: Database) -> None:
        await db.execute("CREATE TABLE t (x TEXT)")
        with pytest.raises(DatabaseValueError, match="lone surrogate") as info:
            await db.execute("INSERT INTO t VALUES (?)", ("\ud800",))
        assert info.value.code == "database_value_unsupported"
        with pytest.raises(DatabaseValueError):
            await db.batch([("INSERT INTO t VALUES (?)", ("kept?",)), ("INSERT INTO t VALUES (?)", ("a\udfffb",))])
        assert await db.fetch_all("SELECT x FROM t") == []

    run_on(pg_url, body)


def test_unreachable_server_is_unavailable_without_leaking_the_password() -> None:
    """A refused connection raises DatabaseUnavailableError naming the redacted URL."""
    expected = r"cannot connect to PostgreSQL at postgresql://u:\*\*\*@"
    with pytest.raises(DatabaseUnavailableError, match=expected) as info:
        asyncio.run(connect("postgresql://u:hunter2@127.0.0.1:1/x", timeout=2))
    assert "hunter2" not in str(info.value)


def _init(url: str, **options: Any) -> InitializationReport:
    options.setdefault("hasher", lambda p: "test$" + p)
    return run_on(url, lambda db: initialize_database(db, SETTINGS, **options))  # type: ignore[no-any-return]


def test_initialisation_on_postgresql_is_idempotent(pg_url: str) -> None:
    """First run applies everything; ten more runs report every step skipped and change nothing."""
    first = _init(pg_url)
    assert first.ok
    assert first.database_type == "postgresql"
    shipped = [m.name for m in load_migrations("postgresql")]
    assert first.schema_version == len(shipped)
    assert first.created == {"migrations": shipped, "users": [ADMIN],
                             "site_settings": list(DEFAULT_SITE_SETTINGS)}
    for _ in range(10):
        report = _init(pg_url)
        assert report.ok
        assert not report.changed
        assert {s.status for s in report.steps} == {"skipped"}

    async def check(db: Database) -> None:
        assert await db.fetch_all("SELECT email, is_active, is_superuser FROM users") == [
            {"email": ADMIN, "is_active": True, "is_superuser": True}]
        rows = await db.fetch_all("SELECT key, value, created_at FROM site_settings ORDER BY key")
        assert {r["key"]: json.loads(r["value"]) for r in rows} == dict(DEFAULT_SITE_SETTINGS)
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["created_at"]) for r in rows)
        assert [r["name"] for r in await db.fetch_all("SELECT name FROM d1_migrations")] == shipped

    run_on(pg_url, check)


def test_0003_gives_existing_users_token_version_0_on_postgresql(pg_url: str) -> None:
    """On a PostgreSQL database at 0002 holding a user, 0003 adds users.token_version: 0 for that row and new ones,
    NOT NULL."""

    async def body(db: Database) -> None:
        await ensure_migrations_table(db)
        first, second, third = load_migrations("postgresql")[:3]
        assert third.name == "0003_token_version.sql"
        for migration in (first, second):
            await apply_migration(db, migration)
        await db.execute("INSERT INTO users (email, hashed_password) VALUES ('old@example.com', 'h')")
        await apply_migration(db, third)
        await db.execute("INSERT INTO users (email, hashed_password) VALUES ('new@example.com', 'h')")
        assert await db.fetch_all("SELECT email, token_version FROM users ORDER BY id") == [
            {"email": "old@example.com", "token_version": 0}, {"email": "new@example.com", "token_version": 0}]
        with pytest.raises(IntegrityError):
            await db.execute("UPDATE users SET token_version = NULL")

    run_on(pg_url, body)


def test_0004_keys_existing_users_and_reports_collisions_on_postgresql(pg_url: str) -> None:
    """On a PostgreSQL database at 0003 holding case and Unicode variants of two addresses, initialisation keeps
    every row, keys the oldest of each group and reports the rest; a new colliding write is refused."""
    rows = ["alice@example.com", "Alice@example.com", "\uff41lice@example.com", "bob@example.com",
            "JOSÉ@example.com", "josé@example.com"]

    async def body(db: Database) -> Any:
        before = [m for m in load_migrations("postgresql") if m.version < 4]
        assert (await initialize_database(db, Settings(), migrations=before, hasher=str)).ok
        for email in rows:
            await db.execute("INSERT INTO users (email, hashed_password) VALUES (?, 'h')", (email,))
        report = await initialize_database(db, Settings(), hasher=str)
        keys = await db.fetch_all("SELECT email, email_key FROM users ORDER BY id")
        with pytest.raises(IntegrityError):
            await db.execute("INSERT INTO users (email, email_key, hashed_password) VALUES (?, ?, 'h')",
                             ("BOB@example.com", "bob@example.com"))
        return report, keys

    report, keys = run_on(pg_url, body)
    assert report.ok, report.errors
    assert [k["email"] for k in keys] == rows
    assert [k["email_key"] for k in keys] == ["alice@example.com", None, None, "bob@example.com",
                                              "josé@example.com", None]
    assert report.email_collisions == [[1, 2, 3], [5, 6]]


def test_partial_migration_failure_rolls_back_on_postgresql(pg_url: str) -> None:
    """A migration failing at its last statement leaves nothing behind; the corrected file applies next run."""
    shipped = list(load_migrations("postgresql"))
    broken = Migration("0900_extra.sql", "CREATE TABLE extra (x TEXT); INSERT INTO extra VALUES ('kept');"
                                         " INSERT INTO nowhere VALUES (1);")
    fixed = Migration("0900_extra.sql", "CREATE TABLE extra (x TEXT); INSERT INTO extra VALUES ('kept');")
    _init(pg_url)
    report = _init(pg_url, migrations=[*shipped, broken])
    assert not report.ok
    assert report.schema_version == len(shipped)
    assert report.errors == ['migration 0900_extra.sql: postgresql: relation "nowhere" does not exist']
    assert run_on(pg_url, lambda db: db.fetch_one("SELECT to_regclass('extra') AS r")) == {"r": None}
    report = _init(pg_url, migrations=[*shipped, fixed])
    assert report.ok
    assert report.schema_version == 900
    assert run_on(pg_url, lambda db: db.fetch_all("SELECT x FROM extra")) == [{"x": "kept"}]


def test_unreachable_postgresql_gives_a_failed_report() -> None:
    """initialize() against a closed port returns a failed 'connect' step with a clear message."""
    report = asyncio.run(initialize(Settings(database_url="postgresql://postgres@127.0.0.1:1/x")))
    assert not report.ok
    assert report.database_type == "postgresql"
    assert report.errors[0].startswith("connect: cannot connect to PostgreSQL at postgresql://postgres@127.0.0.1:1/x")


def _crossed_batches(first: int, second: int) -> list[tuple[str, tuple[Any, ...]]]:
    # Lock one row, give the other batch time to lock its own, then ask for that one: a deadlock by construction.
    return [("UPDATE counters SET n = n + 1 WHERE id = ?", (first,)), ("SELECT pg_sleep(0.3)", ()),
            ("UPDATE counters SET n = n + 1 WHERE id = ?", (second,))]


def test_a_real_deadlock_between_two_batches_is_retried_and_both_apply(pg_url: str) -> None:
    """Two batches locking two rows in opposite orders, from two database objects (as from two processes),
    deadlock; the server's victim is run again, so both apply."""

    async def main() -> None:
        db, other = await connect(pg_url), await connect(pg_url)
        try:
            await db.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            await db.execute("INSERT INTO counters VALUES (1, 0), (2, 0)")
            await asyncio.gather(db.batch(_crossed_batches(1, 2)), other.batch(_crossed_batches(2, 1)))
            assert await db.fetch_all("SELECT id, n FROM counters ORDER BY id") == [{"id": 1, "n": 2},
                                                                                    {"id": 2, "n": 2}]
        finally:
            await db.close()
            await other.close()

    asyncio.run(main())


def test_a_real_deadlock_without_retries_left_is_a_conflict(pg_url: str) -> None:
    """With a single attempt allowed, the same crossed batches give one TransactionConflictError, not unavailable."""

    async def main() -> None:
        import psycopg

        pooled = await connect(pg_url, pool_size=2)
        assert isinstance(pooled, PostgresDatabase)
        db = PostgresDatabase(pooled._pool, psycopg, attempts=1)  # the control: what the retry above absorbed
        try:
            await db.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            await db.execute("INSERT INTO counters VALUES (1, 0), (2, 0)")
            results = await asyncio.gather(db.batch(_crossed_batches(1, 2)), db.batch(_crossed_batches(2, 1)),
                                           return_exceptions=True)
            errors = [r for r in results if isinstance(r, Exception)]
            assert len(errors) == 1, results
            assert isinstance(errors[0], TransactionConflictError)
            assert "deadlock detected" in str(errors[0])
        finally:
            await db.close()

    asyncio.run(main())


def test_statement_timeout_is_enforced_by_the_server(pg_url: str) -> None:
    """With statement_timeout, the server cancels a slow statement (a DatabaseError); the next call works."""

    async def main() -> None:
        db = await connect(pg_url, statement_timeout=0.2)
        try:
            with pytest.raises(DatabaseError, match="statement timeout") as info:
                await db.fetch_one("SELECT pg_sleep(30)")
            assert not isinstance(info.value, DatabaseUnavailableError)
            assert await db.fetch_one("SHOW statement_timeout") == {"statement_timeout": "200ms"}
        finally:
            await db.close()

    asyncio.run(main())


def test_calls_run_side_by_side_in_a_bounded_pool(pg_url: str) -> None:
    """A hung statement does not hold up other calls; once the whole pool is hung, a call is unavailable within its
    call_timeout instead of queueing; the pool serves again once the hung calls are abandoned."""
    import psycopg

    async def main() -> None:
        db = await connect(pg_url, pool_size=2, call_timeout=3)
        assert isinstance(db, PostgresDatabase)
        impatient = PostgresDatabase(db._pool, psycopg, call_timeout=0.3)  # the same pool, a shorter bound
        try:
            hung = asyncio.ensure_future(db.fetch_one("SELECT pg_sleep(30)"))
            await asyncio.sleep(0.2)  # let it take its connection
            # a second connection answers while the first is busy (one shared connection would wait 30 s here)
            assert await asyncio.wait_for(impatient.fetch_one("SELECT 1 AS ok"), 10) == {"ok": 1}
            second = asyncio.ensure_future(db.fetch_one("SELECT pg_sleep(30)"))
            await asyncio.sleep(0.2)
            with pytest.raises(DatabaseUnavailableError, match=r"couldn.t get a connection|no answer within 0\.3 s"):
                await asyncio.wait_for(impatient.fetch_one("SELECT 1 AS ok"), 10)  # both hung: a bounded wait
            for task in (hung, second):
                with pytest.raises(DatabaseUnavailableError, match="no answer within 3 s"):
                    await asyncio.wait_for(task, 10)
            # the abandoned statements are cancelled on the server and their connections come back
            assert await asyncio.wait_for(_eventually_ok(db), 30) == {"ok": 1}
        finally:
            await db.close()

    asyncio.run(main())


async def _eventually_ok(db: Database) -> Any:
    while True:
        try:
            return await db.fetch_one("SELECT 1 AS ok")
        except DatabaseUnavailableError:
            await asyncio.sleep(0.1)

"""core.db SQLite adapter on real database files: the port's contract, atomic batches, error translation."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from core.db import (
    Database,
    DatabaseError,
    DatabaseUnavailableError,
    DatabaseValueError,
    IntegrityError,
    SQLiteDatabase,
    connect,
)

Body = Callable[[Database], Awaitable[None]]


def run_on(path: Path, body: Body, *, offload: bool = False) -> None:
    async def main() -> None:
        db = await connect(f"sqlite:///{path}", sqlite_offload=offload)
        try:
            await body(db)
        finally:
            await db.close()

    asyncio.run(main())


# offload=True needs threads, which Pyodide lacks (core refuses it there with DatabaseError)
NEEDS_THREADS = pytest.mark.cpython_only(reason="sqlite offload runs statements on a worker thread; Pyodide has none")


@pytest.fixture(params=[pytest.param(True, marks=NEEDS_THREADS), False], ids=["thread", "inline"])
def offload(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def test_execute_fetch_one_fetch_all_round_trip(tmp_path: Path, offload: bool) -> None:
    """Rows come back as dicts keyed by column; execute returns the rows changed; ? binds parameters."""

    async def body(db: Database) -> None:
        assert db.dialect == "sqlite"
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, flag INTEGER)")
        assert await db.execute("INSERT INTO t (name, flag) VALUES (?, ?)", ("a", True)) == 1
        assert await db.execute("INSERT INTO t (name, flag) VALUES (?, ?)", ["b?", False]) == 1
        assert await db.fetch_one("SELECT name, flag FROM t WHERE name = ?", ("b?",)) == {"name": "b?", "flag": 0}
        assert await db.fetch_one("SELECT name FROM t WHERE name = ?", ("zz",)) is None
        assert await db.fetch_all("SELECT id, name FROM t ORDER BY id") == [{"id": 1, "name": "a"},
                                                                            {"id": 2, "name": "b?"}]
        assert await db.execute("UPDATE t SET flag = 1") == 2

    run_on(tmp_path / "a.sqlite3", body, offload=offload)


def test_data_is_on_disk_for_another_connection(tmp_path: Path, offload: bool) -> None:
    """Each execute commits on its own: a separate sqlite3 connection sees the row straight away."""
    path = tmp_path / "b.sqlite3"

    async def body(db: Database) -> None:
        await db.execute("CREATE TABLE t (x TEXT)")
        await db.execute("INSERT INTO t VALUES (?)", ("kept",))
        with contextlib.closing(sqlite3.connect(path)) as other:
            assert other.execute("SELECT x FROM t").fetchall() == [("kept",)]

    run_on(path, body, offload=offload)


def test_batch_is_all_or_nothing(tmp_path: Path, offload: bool) -> None:
    """A batch whose third statement fails leaves no trace of the first two, DDL included."""

    async def body(db: Database) -> None:
        await db.execute("CREATE TABLE t (x TEXT UNIQUE)")
        with pytest.raises(IntegrityError, match="UNIQUE constraint failed"):
            await db.batch([("CREATE TABLE u (y TEXT)", ()), ("INSERT INTO t VALUES (?)", ("one",)),
                            ("INSERT INTO t VALUES (?)", ("one",))])
        assert await db.fetch_all("SELECT x FROM t") == []
        assert await db.fetch_one("SELECT name FROM sqlite_master WHERE name = 'u'") is None
        await db.batch([("INSERT INTO t VALUES (?)", ("one",)), ("INSERT INTO t VALUES (?)", ("two",))])
        assert await db.fetch_all("SELECT x FROM t ORDER BY x") == [{"x": "one"}, {"x": "two"}]
        await db.batch([])

    run_on(tmp_path / "c.sqlite3", body, offload=offload)


def test_errors_are_translated_to_the_port(tmp_path: Path) -> None:
    """sqlite3 errors surface as core.db errors: IntegrityError for constraints, DatabaseError otherwise."""

    async def body(db: Database) -> None:
        await db.execute("CREATE TABLE t (x TEXT NOT NULL)")
        with pytest.raises(IntegrityError, match="NOT NULL"):
            await db.execute("INSERT INTO t VALUES (?)", (None,))
        with pytest.raises(DatabaseError, match="no such table") as info:
            await db.fetch_all("SELECT * FROM missing")
        assert not isinstance(info.value, IntegrityError)
        assert isinstance(info.value.__cause__, sqlite3.OperationalError)
        with pytest.raises(DatabaseError, match="binding"):
            await db.execute("INSERT INTO t VALUES (?)", ())

    run_on(tmp_path / "d.sqlite3", body)


def test_text_with_a_lone_surrogate_is_a_typed_value_error(tmp_path: Path, offload: bool) -> None:
    """A str parameter with no UTF-8 form is DatabaseValueError (a ValueError, not a leaked UnicodeEncodeError),
    from execute and from batch, and the batch leaves nothing behind."""

    async def body(db: Database) -> None:
        await db.execute("CREATE TABLE t (x TEXT)")
        with pytest.raises(DatabaseValueError, match="lone surrogate") as info:
            await db.execute("INSERT INTO t VALUES (?)", ("\ud800",))
        assert isinstance(info.value, ValueError)
        assert info.value.code == "database_value_unsupported"
        assert "\ud800" not in str(info.value)
        with pytest.raises(DatabaseValueError):
            await db.batch([("INSERT INTO t VALUES (?)", ("kept?",)), ("INSERT INTO t VALUES (?)", ("a\udfffb",))])
        with pytest.raises(DatabaseValueError):
            await db.fetch_one("SELECT x FROM t WHERE x = ?", ("\udc80",))
        assert await db.fetch_all("SELECT x FROM t") == []

    run_on(tmp_path / "s.sqlite3", body, offload=offload)


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    """Foreign keys are switched on for every connection (SQLite leaves them off by default)."""

    async def body(db: Database) -> None:
        await db.execute("CREATE TABLE p (id INTEGER PRIMARY KEY)")
        await db.execute("CREATE TABLE c (p INTEGER REFERENCES p (id))")
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            await db.execute("INSERT INTO c VALUES (?)", (7,))

    run_on(tmp_path / "e.sqlite3", body)


def test_a_missing_directory_is_unavailable_with_the_path_named(tmp_path: Path) -> None:
    """Opening a file in a directory that does not exist raises DatabaseUnavailableError naming the path."""
    path = tmp_path / "no" / "such" / "dir.sqlite3"
    with pytest.raises(DatabaseUnavailableError, match=r"cannot open SQLite database .*dir\.sqlite3"):
        asyncio.run(connect(f"sqlite:///{path}"))


def test_closed_connection_refuses_work_and_close_is_idempotent(tmp_path: Path) -> None:
    """After close(), statements raise DatabaseError; a second close() is harmless."""

    async def main() -> None:
        db = await SQLiteDatabase.open(str(tmp_path / "f.sqlite3"))
        await db.close()
        await db.close()
        with pytest.raises(DatabaseError, match="closed"):
            await db.fetch_one("SELECT 1")

    asyncio.run(main())


@pytest.mark.parametrize(
    ("offload", "prefix"), [pytest.param(True, "leancore-sqlite", marks=NEEDS_THREADS), (False, "MainThread")]
)
def test_offload_decides_which_thread_runs_statements(tmp_path: Path, offload: bool, prefix: str) -> None:
    """offload=True runs statements on the connection's worker thread; the default runs them inline."""
    seen: list[str] = []

    async def main() -> None:
        db = await SQLiteDatabase.open(str(tmp_path / "g.sqlite3"), offload=offload)
        db._connection.create_function("who", 0, lambda: seen.append(threading.current_thread().name) or 1)
        await db.fetch_one("SELECT who() AS w")
        await db.close()

    asyncio.run(main())
    assert len(seen) == 1
    assert seen[0].startswith(prefix)


def test_concurrent_coroutines_do_not_interleave_inside_a_batch(tmp_path: Path, offload: bool) -> None:
    """Many coroutines sharing one connection: every batch stays atomic and every write lands."""

    async def body(db: Database) -> None:
        await db.execute("CREATE TABLE t (k INTEGER, part INTEGER)")

        async def writer(k: int) -> None:
            await db.batch([("INSERT INTO t VALUES (?, ?)", (k, p)) for p in range(3)])
            await db.execute("INSERT INTO t VALUES (?, ?)", (k, 99))

        await asyncio.gather(*(writer(k) for k in range(20)))
        rows = await db.fetch_all("SELECT k, count(*) AS n FROM t GROUP BY k")
        assert sorted((r["k"], r["n"]) for r in rows) == [(k, 4) for k in range(20)]

    run_on(tmp_path / "h.sqlite3", body, offload=offload)


def test_memory_database_works(offload: bool) -> None:
    """sqlite:///:memory: opens a private in-memory database."""

    async def main() -> None:
        db = await connect("sqlite:///:memory:", sqlite_offload=offload)
        await db.execute("CREATE TABLE t (x)")
        await db.execute("INSERT INTO t VALUES (?)", (1.5,))
        assert await db.fetch_one("SELECT x FROM t") == {"x": 1.5}
        await db.close()

    asyncio.run(main())


# A statement that runs for minutes: a recursive count to 10**10.
ENDLESS = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) "
           "SELECT count(*) AS c FROM n")


@pytest.mark.parametrize("offload", [False, pytest.param(True, marks=NEEDS_THREADS)])
def test_statement_timeout_interrupts_a_runaway_statement(tmp_path: Path, offload: bool) -> None:
    """A statement past statement_timeout is interrupted (a DatabaseError naming the timeout); the next one runs."""

    async def main() -> None:
        db = await SQLiteDatabase.open(str(tmp_path / "t.sqlite3"), offload=offload, statement_timeout=0.05)
        try:
            with pytest.raises(DatabaseError, match=r"longer than the statement timeout \(0\.05 s\)"):
                await db.fetch_one(ENDLESS)
            await db.execute("CREATE TABLE t (x INTEGER)")
            with pytest.raises(DatabaseError, match="statement timeout"):
                await db.batch([("INSERT INTO t VALUES (1)", ()), (ENDLESS, ())])
            assert await db.fetch_all("SELECT x FROM t") == []  # the batch rolled back as a whole
            assert await db.fetch_one("SELECT 1 AS ok") == {"ok": 1}
        finally:
            await db.close()

    asyncio.run(main())

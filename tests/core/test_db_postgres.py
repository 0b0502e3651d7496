"""core.db PostgreSQL adapter without a server: conflict retries, the call timeout and error translation, over a
fake pool that behaves like psycopg_pool's (the real server is tests/db/test_postgres.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from core.db import (
    DatabaseError,
    DatabaseUnavailableError,
    IntegrityError,
    PostgresDatabase,
    TransactionConflictError,
)
from core.db._postgres import CONFLICT_ATTEMPTS


class FakePsycopg:
    """The part of the psycopg module the adapter uses: its exception classes, with ``sqlstate``."""

    class Error(Exception):
        sqlstate: str | None = None

        def __init__(self, message: str, sqlstate: str | None = None) -> None:
            super().__init__(message)
            self.sqlstate = sqlstate

    class IntegrityError(Error):
        pass

    class OperationalError(Error):
        pass


def deadlock() -> Exception:
    return FakePsycopg.OperationalError("deadlock detected", "40P01")


def serialization_failure() -> Exception:
    return FakePsycopg.OperationalError("could not serialize access due to concurrent update", "40001")


Step = Callable[["FakeConnection"], Awaitable[None]]


class FakeCursor:
    def __init__(self, connection: FakeConnection) -> None:
        self.connection = connection
        self.rowcount = -1

    async def execute(self, sql: str, params: tuple[Any, ...]) -> None:
        self.connection.pool.statements.append(sql)
        step = self.connection.pool.steps.pop(0) if self.connection.pool.steps else None
        if step is not None:
            await step(self.connection)
        self.rowcount = 1

    async def fetchone(self) -> dict[str, Any] | None:
        return {"ok": 1}

    async def fetchall(self) -> list[dict[str, Any]]:
        return [{"ok": 1}]


class FakeConnection:
    def __init__(self, pool: FakePool) -> None:
        self.pool = pool
        self.broken = False
        self.closed = False

    @contextlib.asynccontextmanager
    async def cursor(self) -> AsyncIterator[FakeCursor]:
        yield FakeCursor(self)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        self.pool.transactions += 1
        yield


class FakePool:
    """One connection at a time, like a pool of size 1; ``steps`` script what each statement does in turn."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.statements: list[str] = []
        self.transactions = 0
        self.checkouts = 0
        self.returns = 0
        self.checks = 0
        self.closed = False

    @contextlib.asynccontextmanager
    async def connection(self, timeout: float | None = None) -> AsyncIterator[FakeConnection]:
        self.checkouts += 1
        try:
            yield FakeConnection(self)
        finally:
            self.returns += 1

    async def check(self) -> None:
        self.checks += 1

    async def close(self) -> None:
        self.closed = True


def raising(exc: Exception) -> Step:
    async def step(connection: FakeConnection) -> None:
        raise exc

    return step


def run(coro: Awaitable[Any]) -> Any:
    async def main() -> Any:
        return await coro

    return asyncio.run(main())


def test_a_deadlock_is_run_again_and_then_succeeds() -> None:
    """A statement the server aborted as a deadlock (40P01) runs again on a fresh checkout and returns its result."""
    pool = FakePool(raising(deadlock()), raising(deadlock()))
    db = PostgresDatabase(pool, FakePsycopg)
    assert run(db.execute("UPDATE users SET is_active = ? WHERE id = ?", (False, 2))) == 1
    assert len(pool.statements) == pool.checkouts == pool.returns == 3


def test_a_serialization_failure_reruns_the_whole_batch_transaction() -> None:
    """A batch failing with 40001 at its second statement is run again from its first, in a new transaction."""
    pool = FakePool(None, raising(serialization_failure()))  # type: ignore[arg-type]
    db = PostgresDatabase(pool, FakePsycopg)
    run(db.batch([("INSERT INTO t VALUES (?)", (1,)), ("INSERT INTO t VALUES (?)", (2,))]))
    assert pool.transactions == 2
    assert pool.statements == ["INSERT INTO t VALUES (%s)"] * 4


@pytest.mark.parametrize("failure", [deadlock, serialization_failure])
def test_a_conflict_that_outlasts_the_retries_is_a_conflict_not_unavailable(failure: Callable[[], Exception]) -> None:
    """After CONFLICT_ATTEMPTS conflicts in a row: TransactionConflictError (database_conflict), never unavailable."""
    pool = FakePool(*[raising(failure()) for _ in range(CONFLICT_ATTEMPTS + 1)])
    db = PostgresDatabase(pool, FakePsycopg)
    with pytest.raises(TransactionConflictError, match=f"{CONFLICT_ATTEMPTS} times; run it again") as info:
        run(db.execute("UPDATE users SET is_active = ?", (False,)))
    assert not isinstance(info.value, DatabaseUnavailableError)
    assert info.value.code == "database_conflict"
    assert len(pool.statements) == CONFLICT_ATTEMPTS


def test_other_errors_are_not_run_again() -> None:
    """A unique violation is an IntegrityError at the first attempt; an ordinary error a DatabaseError."""
    pool = FakePool(raising(FakePsycopg.IntegrityError("duplicate key value", "23505")),
                    raising(FakePsycopg.Error("relation \"missing\" does not exist", "42P01")))
    db = PostgresDatabase(pool, FakePsycopg)
    with pytest.raises(IntegrityError, match="duplicate key"):
        run(db.execute("INSERT INTO t VALUES (?)", (1,)))
    with pytest.raises(DatabaseError, match="does not exist") as info:
        run(db.fetch_one("SELECT * FROM missing"))
    assert not isinstance(info.value, (DatabaseUnavailableError, TransactionConflictError))
    assert len(pool.statements) == 2


def test_a_broken_connection_is_unavailable_and_the_idle_ones_get_checked() -> None:
    """A statement on a connection that broke (server restarted) is unavailable, and the pool checks its idle ones."""

    async def break_it(connection: FakeConnection) -> None:
        connection.broken = True
        raise FakePsycopg.OperationalError("server closed the connection unexpectedly")

    pool = FakePool(break_it)
    db = PostgresDatabase(pool, FakePsycopg)

    async def body() -> None:
        with pytest.raises(DatabaseUnavailableError, match="server closed the connection"):
            await db.fetch_one("SELECT 1 AS ok")
        for _ in range(3):
            await asyncio.sleep(0)
        await db.close()

    run(body())
    assert (pool.checks, pool.closed) == (1, True)


def test_no_connection_from_the_pool_is_unavailable() -> None:
    """A pool that cannot hand out a connection in time (PoolTimeout is a psycopg OperationalError) is unavailable."""

    class EmptyPool(FakePool):
        @contextlib.asynccontextmanager
        async def connection(self, timeout: float | None = None) -> AsyncIterator[FakeConnection]:
            raise FakePsycopg.OperationalError("couldn't get a connection after 2.00 sec")
            yield  # pragma: no cover

    with pytest.raises(DatabaseUnavailableError, match="couldn't get a connection"):
        run(PostgresDatabase(EmptyPool(), FakePsycopg, call_timeout=5).fetch_one("SELECT 1 AS ok"))


def test_the_call_timeout_does_not_wait_for_a_server_that_never_answers() -> None:
    """Past call_timeout the call is unavailable at once, although the attempt's own cancellation is still waiting
    (psycopg waits for the server to confirm a cancel); the attempt gives its connection back when it ends."""
    server_back = asyncio.Event()
    attempt_cancelled = asyncio.Event()

    async def hang(connection: FakeConnection) -> None:
        try:
            await asyncio.Event().wait()  # the frozen server: no answer ever
        except asyncio.CancelledError:
            attempt_cancelled.set()
            await server_back.wait()  # like psycopg: the cancel is confirmed only once the server answers
            raise

    pool = FakePool(hang)
    db = PostgresDatabase(pool, FakePsycopg, call_timeout=0.05)

    async def body() -> None:
        # The guard turns a wrong implementation (waiting for the abandoned attempt) into a failure, not a hang.
        with pytest.raises(DatabaseUnavailableError, match=r"no answer within 0\.05 s"):
            await asyncio.wait_for(db.fetch_one("SELECT 1 AS ok"), 30)
        await asyncio.wait_for(attempt_cancelled.wait(), 30)
        assert pool.returns == 0  # still held by the abandoned attempt
        server_back.set()
        for _ in range(5):
            await asyncio.sleep(0)
        assert pool.returns == 1
        assert await db.fetch_one("SELECT 1 AS ok") == {"ok": 1}  # the next call works as usual

    run(body())

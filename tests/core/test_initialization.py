"""core.initialization on real SQLite files: idempotent, never overwrites, atomic per migration, JSON report."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from core.db import Database, SQLiteDatabase, Statement, connect
from core.initialization import (
    DEFAULT_SITE_SETTINGS,
    InitializationReport,
    StepResult,
    initialize,
    initialize_database,
    is_database_initialized,
)
from core.migrations import Migration, load_migrations
from core.passwords import verify_password
from core.settings import Settings

ADMIN = "admin@example.com"
SETTINGS = Settings(admin_email=ADMIN, super_admin_password="correct horse", password_rounds=1000)
# What core ships (the list grows with each migration; the tests follow it rather than a hard-coded count).
SHIPPED = [m.name for m in load_migrations("sqlite")]
LATEST = max(m.version for m in load_migrations("sqlite"))


def fast_hash(password: str) -> str:
    return "test$" + password


def init(path: Path, settings: Settings = SETTINGS, **options: Any) -> InitializationReport:
    options.setdefault("hasher", fast_hash)

    async def main() -> InitializationReport:
        db = await connect(f"sqlite:///{path}")
        try:
            return await initialize_database(db, settings, **options)
        finally:
            await db.close()

    return asyncio.run(main())


def query(path: Path, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    async def main() -> list[dict[str, Any]]:
        db = await connect(f"sqlite:///{path}")
        try:
            return await db.fetch_all(sql, params)
        finally:
            await db.close()

    return asyncio.run(main())


def statuses(report: InitializationReport) -> dict[str, str]:
    return {step.name: step.status for step in report.steps}


def test_first_run_creates_everything_and_says_so(tmp_path: Path) -> None:
    """A fresh file gets the schema, one active super admin and every default setting, each step 'applied'."""
    path = tmp_path / "db.sqlite3"
    report = init(path)
    assert report.ok
    assert report.changed
    assert statuses(report) == {"migrations_table": "applied", **{f"migration {n}": "applied" for n in SHIPPED},
                                "email_keys": "skipped", "super_admin": "applied", "site_settings": "applied"}
    assert report.created == {"migrations": SHIPPED, "users": [ADMIN], "site_settings": list(DEFAULT_SITE_SETTINGS)}
    assert report.schema_version == LATEST
    assert report.database_type == "sqlite"
    users = query(path, "SELECT email, hashed_password, is_active, is_superuser FROM users")
    assert users == [{"email": ADMIN, "hashed_password": "test$correct horse", "is_active": 1, "is_superuser": 1}]
    stored = {r["key"]: json.loads(r["value"]) for r in query(path, "SELECT key, value FROM site_settings")}
    assert stored == dict(DEFAULT_SITE_SETTINGS)


@pytest.mark.parametrize("runs", [2, 10, 100])
def test_every_later_run_changes_nothing_and_reports_skipped(tmp_path: Path, runs: int) -> None:
    """After the first run, each of 2, 10, 100 runs reports every step 'skipped' and the data is unchanged."""
    path = tmp_path / "db.sqlite3"
    init(path)
    snapshot = [query(path, f"SELECT * FROM {t}") for t in ("d1_migrations", "users", "site_settings")]
    for _ in range(runs - 1):
        report = init(path)
        assert report.ok
        assert not report.changed
        assert set(statuses(report).values()) == {"skipped"}
        assert report.created == {"migrations": [], "users": [], "site_settings": []}
        assert report.schema_version == LATEST
    assert [query(path, f"SELECT * FROM {t}") for t in ("d1_migrations", "users", "site_settings")] == snapshot


def test_default_hasher_is_core_passwords_with_the_configured_rounds(tmp_path: Path) -> None:
    """Without a hasher, the admin's password is hashed by core.passwords at settings.password_rounds."""
    path = tmp_path / "db.sqlite3"
    assert init(path, hasher=None).ok
    (user,) = query(path, "SELECT hashed_password FROM users")
    assert user["hashed_password"].startswith("$pbkdf2-sha256$1000$")
    assert verify_password("correct horse", user["hashed_password"])


def test_an_existing_account_is_never_modified(tmp_path: Path) -> None:
    """A user already holding ADMIN_EMAIL keeps its password and flags; the report says it was left alone."""
    path = tmp_path / "db.sqlite3"
    init(path, Settings())
    asyncio.run(_exec(path, "INSERT INTO users (email, hashed_password, is_active, is_superuser) VALUES (?, ?, ?, ?)",
                      (ADMIN, "old-hash", False, False)))
    report = init(path)
    step = next(s for s in report.steps if s.name == "super_admin")
    assert step.status == "skipped"
    assert "left unchanged" in step.detail
    assert "not an active superuser" in step.detail
    assert query(path, "SELECT hashed_password, is_active, is_superuser FROM users") == [
        {"hashed_password": "old-hash", "is_active": 0, "is_superuser": 0}]


def test_site_settings_are_seeded_for_missing_keys_only(tmp_path: Path) -> None:
    """An operator's value survives; only the keys not present are inserted and reported."""
    path = tmp_path / "db.sqlite3"
    init(path, site_defaults={})
    asyncio.run(_exec(path, "INSERT INTO site_settings (key, value) VALUES (?, ?)", ("site_name", '"Mine"')))
    report = init(path)
    assert report.created["site_settings"] == [k for k in DEFAULT_SITE_SETTINGS if k != "site_name"]
    assert query(path, "SELECT value FROM site_settings WHERE key = ?", ("site_name",)) == [{"value": '"Mine"'}]


def test_without_admin_settings_the_admin_step_is_skipped(tmp_path: Path) -> None:
    """No ADMIN_EMAIL: the super_admin step is 'skipped' with the reason, and no user is created."""
    report = init(tmp_path / "db.sqlite3", Settings())
    step = next(s for s in report.steps if s.name == "super_admin")
    assert (step.status, step.detail) == ("skipped", "ADMIN_EMAIL / SUPER_ADMIN_PASSWORD not set")
    assert query(tmp_path / "db.sqlite3", "SELECT count(*) AS n FROM users") == [{"n": 0}]


async def _exec(path: Path, sql: str, params: Sequence[Any] = ()) -> None:
    db = await connect(f"sqlite:///{path}")
    await db.execute(sql, params)
    await db.close()


EXTRA = f"{LATEST + 1:04d}_extra.sql"  # the next migration after the shipped ones
BROKEN = Migration(EXTRA, "CREATE TABLE extra (x TEXT);\nINSERT INTO extra VALUES ('kept');\n"
                                     "INSERT INTO no_such_table VALUES (1);\n")
FIXED = Migration(EXTRA, "CREATE TABLE extra (x TEXT);\nINSERT INTO extra VALUES ('kept');\n")


def test_a_migration_failing_part_way_leaves_the_database_as_before_it(tmp_path: Path) -> None:
    """A new migration fails at statement three: no trace of its first two, earlier data kept, next run completes."""
    path = tmp_path / "db.sqlite3"
    shipped = list(load_migrations("sqlite"))
    init(path)
    report = init(path, migrations=[*shipped, BROKEN])
    assert not report.ok
    assert statuses(report)[f"migration {EXTRA}"] == "failed"
    assert statuses(report)["super_admin"] == "skipped"
    assert report.errors == [f"migration {EXTRA}: sqlite: no such table: no_such_table"]
    assert report.schema_version == LATEST
    assert query(path, "SELECT name FROM sqlite_master WHERE name = 'extra'") == []
    assert query(path, "SELECT name FROM d1_migrations ORDER BY id") == [{"name": n} for n in SHIPPED]
    assert query(path, "SELECT email FROM users") == [{"email": ADMIN}]

    report = init(path, migrations=[*shipped, FIXED])
    assert report.ok
    assert report.created["migrations"] == [EXTRA]
    assert report.schema_version == LATEST + 1
    assert query(path, "SELECT x FROM extra") == [{"x": "kept"}]


def test_is_database_initialized_follows_the_migrations(tmp_path: Path) -> None:
    """False on an empty file, True once every migration is recorded, False again when a new one ships."""

    async def main() -> None:
        db = await connect(f"sqlite:///{tmp_path / 'db.sqlite3'}")
        assert await is_database_initialized(db) is False
        await initialize_database(db, SETTINGS, hasher=fast_hash)
        assert await is_database_initialized(db) is True
        assert await is_database_initialized(db, [*load_migrations("sqlite"), FIXED]) is False
        await db.close()

    asyncio.run(main())


class LosesTheRace:
    """A Database whose first batch is preceded by a complete initialisation through another connection.

    It reproduces the interleaving of two processes deterministically: this initialiser has read
    d1_migrations (0001 pending), then the other one applies 0001 before this one's batch runs.
    """

    def __init__(self, inner: SQLiteDatabase, path: Path) -> None:
        self.inner, self.path, self.raced = inner, path, False
        self.dialect = inner.dialect

    async def batch(self, statements: Sequence[Statement]) -> None:
        if not self.raced:
            self.raced = True
            other = await connect(f"sqlite:///{self.path}")
            assert (await initialize_database(other, SETTINGS, hasher=fast_hash)).ok
            await other.close()
        await self.inner.batch(statements)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_losing_a_race_reports_skipped_not_failed(tmp_path: Path) -> None:
    """When another initialiser applies a migration between our check and our batch, we report it skipped."""
    path = tmp_path / "db.sqlite3"

    async def main() -> InitializationReport:
        inner = await SQLiteDatabase.open(str(path))
        db: Database = LosesTheRace(inner, path)  # type: ignore[assignment]
        try:
            return await initialize_database(db, SETTINGS, hasher=fast_hash)
        finally:
            await inner.close()

    report = asyncio.run(main())
    assert report.ok
    step = next(s for s in report.steps if s.name == "migration 0001_initial.sql")
    assert (step.status, step.detail) == ("skipped", "applied concurrently by another initialiser")
    assert query(path, "SELECT count(*) AS n FROM d1_migrations") == [{"n": len(SHIPPED)}]
    assert query(path, "SELECT count(*) AS n FROM users") == [{"n": 1}]


def test_an_unreachable_database_gives_a_failed_report(tmp_path: Path) -> None:
    """initialize() on a file in a missing directory returns ok=False with one failed connect step, no raise."""
    url = f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}"
    report = asyncio.run(initialize(Settings(database_url=url)))
    assert not report.ok
    assert [(s.name, s.status) for s in report.steps] == [("connect", "failed")]
    assert report.errors[0].startswith("connect: cannot open SQLite database")
    assert report.database_type == "sqlite"


def test_report_serialises_to_json(tmp_path: Path) -> None:
    """to_json() is valid JSON with the documented keys; durations are numbers, errors a list of strings."""
    data = json.loads(init(tmp_path / "db.sqlite3").to_json())
    assert list(data) == ["ok", "database_type", "schema_version", "started_at", "duration_ms", "steps", "created",
                          "email_collisions", "errors"]
    assert data["ok"] is True
    assert data["errors"] == []
    assert all(set(step) == {"name", "status", "detail", "duration_ms"} for step in data["steps"])
    assert all(isinstance(step["duration_ms"], float) for step in data["steps"])
    assert data["started_at"].endswith("Z")


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "SYSTEMROOT")}
    return subprocess.run([sys.executable, "-m", "core.initialization", *args], capture_output=True, text=True,
                          env=base | env, cwd=tmp_path, timeout=120, check=False)


@pytest.mark.cpython_only(reason="runs python -m core.initialization as a subprocess; Pyodide has no processes")
def test_cli_prints_the_report_and_exits_zero_then_nonzero_on_failure(tmp_path: Path) -> None:
    """Piped, python -m core.initialization prints the JSON report; exit 0 when ok, 1 for an unreachable database."""
    ok = _cli(tmp_path, ADMIN_EMAIL=ADMIN, SUPER_ADMIN_PASSWORD="pw", PASSWORD_ROUNDS="1000")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["created"]["users"] == [ADMIN]
    assert (tmp_path / "leancore.sqlite3").is_file()  # the embedded default, in the working directory
    again = _cli(tmp_path, "--indent", "0")
    assert again.returncode == 0
    assert json.loads(again.stdout)["created"]["migrations"] == []
    bad = _cli(tmp_path, "--database-url", f"sqlite:///{tmp_path / 'nope' / 'x.sqlite3'}")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["errors"][0].startswith("connect: cannot open SQLite database")


@pytest.mark.cpython_only(reason="runs python -m core.initialization as a subprocess; Pyodide has no processes")
def test_cli_exits_two_on_invalid_settings(tmp_path: Path) -> None:
    """Invalid settings: exit 2 and a report with one failed 'settings' step naming the variable."""
    result = _cli(tmp_path, ENVIRONMENT="production")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["steps"][0]["name"] == "settings"
    assert "SECRET_KEY: required in production" in report["errors"][0]


def test_each_report_starts_empty_and_collects_failures() -> None:
    """Two reports share no containers; a failed step lands in the steps and, as one line, in the errors."""
    first, second = InitializationReport("sqlite", "t0"), InitializationReport("sqlite", "t0")
    first.add(StepResult("x", "failed", "boom", 1.5))
    assert (second.steps, second.errors, second.created["migrations"]) == ([], [], [])
    assert first.steps == [StepResult("x", "failed", "boom", 1.5)]
    assert first.errors == ["x: boom"]
    assert not first.ok
    assert "errors=['x: boom']" in repr(first)


def _steps(report: InitializationReport) -> list[tuple[str, str, str]]:
    return [(s.name, s.status, s.detail) for s in report.steps]


def _statements(name: str) -> int:
    return len(next(m for m in load_migrations("sqlite") if m.name == name).statements())


def test_each_step_says_what_it_did_on_the_first_run_and_why_it_skipped_on_the_second(tmp_path: Path) -> None:
    """Every step's detail, word for word: the first run creates and counts, the second says what is already there."""
    path = tmp_path / "db.sqlite3"
    first = init(path)
    assert _steps(first) == [
        ("migrations_table", "applied", "created the migrations table"),
        *[(f"migration {n}", "applied", f"{_statements(n)} statements") for n in SHIPPED],
        ("email_keys", "skipped", "every account is keyed"),
        ("super_admin", "applied", f"created super admin {ADMIN}"),
        ("site_settings", "applied", "inserted site_name, registration_open, maintenance_mode"),
    ]
    second = init(path)
    assert _steps(second) == [
        ("migrations_table", "skipped", "the migrations table exists"),
        *[(f"migration {n}", "skipped", "already applied") for n in SHIPPED],
        ("email_keys", "skipped", "every account is keyed"),
        ("super_admin", "skipped",
         f"{ADMIN} exists; its password and flags were left unchanged (python -m api create-admin resets them)"),
        ("site_settings", "skipped", "all 3 default keys present"),
    ]


@pytest.mark.parametrize(("is_active", "is_superuser", "noted"), [
    (True, True, False), (True, False, True), (False, True, True), (False, False, True)])
def test_an_existing_admin_account_is_noted_unless_it_is_an_active_superuser(
    tmp_path: Path, is_active: bool, is_superuser: bool, noted: bool
) -> None:
    """The super_admin step notes 'not an active superuser' exactly when the account is inactive or not superuser."""
    path = tmp_path / "db.sqlite3"
    init(path, Settings())
    asyncio.run(_exec(path, "INSERT INTO users (email, email_key, hashed_password, is_active, is_superuser) "
                            "VALUES (?, ?, ?, ?, ?)", (ADMIN, ADMIN, "old-hash", is_active, is_superuser)))
    step = next(s for s in init(path).steps if s.name == "super_admin")
    expected = f"{ADMIN} exists; its password and flags were left unchanged (python -m api create-admin resets them)"
    if noted:
        expected += " (note: that account is not an active superuser)"
    assert (step.status, step.detail) == ("skipped", expected)


@pytest.mark.parametrize("settings", [Settings(admin_email=ADMIN), Settings(super_admin_password="correct horse")])
def test_half_the_admin_settings_skip_the_admin_step(tmp_path: Path, settings: Settings) -> None:
    """An email without a password (or the reverse; Settings built directly) creates no account and says why."""
    report = init(tmp_path / "db.sqlite3", settings)
    step = next(s for s in report.steps if s.name == "super_admin")
    assert (step.status, step.detail) == ("skipped", "ADMIN_EMAIL / SUPER_ADMIN_PASSWORD not set")
    assert query(tmp_path / "db.sqlite3", "SELECT count(*) AS n FROM users") == [{"n": 0}]


def test_site_settings_are_stored_as_compact_sorted_json(tmp_path: Path) -> None:
    """Seeded values are JSON without spaces, object keys sorted; the step lists the inserted keys."""
    path = tmp_path / "db.sqlite3"
    report = init(path, site_defaults={"theme": {"b": 1, "a": [1, 2]}, "title": "Ünï"})
    assert next(s.detail for s in report.steps if s.name == "site_settings") == "inserted theme, title"
    assert query(path, "SELECT key, value FROM site_settings ORDER BY key") == [
        {"key": "theme", "value": '{"a":[1,2],"b":1}'}, {"key": "title", "value": '"\\u00dcn\\u00ef"'}]


def test_a_default_key_named_none_is_seeded_like_any_other(tmp_path: Path) -> None:
    """Presence is judged by the stored keys: a default whose key is the string 'None' is inserted when missing."""
    path = tmp_path / "db.sqlite3"
    init(path, site_defaults={"a": 1})
    report = init(path, site_defaults={"a": 1, "None": 2})
    assert report.created["site_settings"] == ["None"]
    assert next(s.detail for s in report.steps if s.name == "site_settings") == "inserted None"


class Failing:
    """A Database that raises ``error`` on the given occurrences (1-based; all when None) of SQL containing
    ``pattern`` (in any case), and otherwise passes every call to the real one."""

    def __init__(self, inner: Database, pattern: str, error: Exception, occurrences: set[int] | None = None) -> None:
        self.inner, self.pattern, self.error, self.occurrences, self.seen = inner, pattern, error, occurrences, 0
        self.dialect = inner.dialect

    def _check(self, sql: str) -> None:
        if self.pattern.lower() in sql.lower():  # SQL's keywords and names are case-insensitive
            self.seen += 1
            if self.occurrences is None or self.seen in self.occurrences:
                raise self.error

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self._check(sql)
        return await self.inner.fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self._check(sql)
        return await self.inner.fetch_all(sql, params)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self._check(sql)
        return await self.inner.execute(sql, params)

    async def batch(self, statements: Sequence[Statement]) -> Any:
        for sql, _ in statements:
            self._check(sql)
        return await self.inner.batch(statements)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def init_failing(path: Path, pattern: str, error: Exception, occurrences: set[int] | None = None,
                 settings: Settings = SETTINGS, **options: Any) -> InitializationReport:
    options.setdefault("hasher", fast_hash)

    async def main() -> InitializationReport:
        inner = await connect(f"sqlite:///{path}")
        try:
            db: Database = Failing(inner, pattern, error, occurrences)  # type: ignore[assignment]
            return await initialize_database(db, settings, **options)
        finally:
            await inner.close()

    return asyncio.run(main())


def _not_attempted(failed: str) -> list[tuple[str, str, str]]:
    return [(name, "skipped", f"not attempted: {failed} failed") for name in ("email_keys", "super_admin",
                                                                               "site_settings")]


def test_a_failure_to_create_the_migrations_table_stops_everything(tmp_path: Path) -> None:
    """The migrations table cannot be created: that step fails, nothing else is attempted, schema version 0."""
    from core.db import DatabaseError

    report = init_failing(tmp_path / "db.sqlite3", "CREATE TABLE d1_migrations", DatabaseError("disk full"))
    assert _steps(report) == [("migrations_table", "failed", "disk full"), *_not_attempted("migrations_table")]
    assert report.errors == ["migrations_table: disk full"]
    assert report.schema_version == 0
    assert not report.ok
    assert query(tmp_path / "db.sqlite3", "SELECT name FROM sqlite_master WHERE name = 'users'") == []


def test_an_unreadable_migrations_table_is_a_failed_migrations_step(tmp_path: Path) -> None:
    """Reading d1_migrations fails: a failed 'migrations' step, the rest not attempted, and the schema version's
    own error, each as one message."""
    from core.db import DatabaseError

    report = init_failing(tmp_path / "db.sqlite3", "SELECT name FROM d1_migrations", DatabaseError("connection reset"))
    assert _steps(report) == [("migrations_table", "applied", "created the migrations table"),
                              ("migrations", "failed", "connection reset"), *_not_attempted("migrations")]
    assert report.errors == ["migrations: connection reset", "schema_version: connection reset"]
    assert report.schema_version == 0


def test_only_the_schema_version_failing_is_an_error_without_a_step(tmp_path: Path) -> None:
    """Every step succeeds but the final read of d1_migrations fails: not ok, one 'schema_version: ...' error."""
    from core.db import DatabaseError

    report = init_failing(tmp_path / "db.sqlite3", "SELECT name FROM d1_migrations", DatabaseError("gone"), {2})
    assert all(step.status != "failed" for step in report.steps)
    assert report.errors == ["schema_version: gone"]
    assert report.schema_version == 0
    assert not report.ok


def test_a_failed_migration_stops_the_later_ones(tmp_path: Path) -> None:
    """Migration 0002 fails: 0003 is not tried and the later steps say 'not attempted: migration 0002_b.sql failed'."""
    migrations = [Migration("0001_a.sql", "CREATE TABLE a (x TEXT);\n"),
                  Migration("0002_b.sql", "INSERT INTO nope VALUES (1);\n"),
                  Migration("0003_c.sql", "CREATE TABLE c (x TEXT);\n")]
    report = init(tmp_path / "db.sqlite3", migrations=migrations)
    assert _steps(report) == [("migrations_table", "applied", "created the migrations table"),
                              ("migration 0001_a.sql", "applied", "1 statements"),
                              ("migration 0002_b.sql", "failed", "sqlite: no such table: nope"),
                              *_not_attempted("migration 0002_b.sql")]
    assert report.created["migrations"] == ["0001_a.sql"]
    assert report.schema_version == 1
    assert query(tmp_path / "db.sqlite3", "SELECT name FROM sqlite_master WHERE name = 'c'") == []


def test_broken_shipped_migrations_are_a_failed_migrations_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When core's migration files cannot be loaded (a broken install), 'migrations' fails with the loader's
    message and nothing is touched."""
    from core.db import DatabaseError
    from core.initialization import _initialize

    def broken(dialect: str) -> tuple[Migration, ...]:
        raise DatabaseError("two sqlite migrations share a number: ['0001_a.sql', '0001_b.sql']")

    monkeypatch.setattr(_initialize, "load_migrations", broken)
    report = init(tmp_path / "db.sqlite3")
    assert _steps(report) == [
        ("migrations", "failed", "two sqlite migrations share a number: ['0001_a.sql', '0001_b.sql']"),
        *_not_attempted("migrations")]
    assert report.schema_version == 0
    assert query(tmp_path / "db.sqlite3", "SELECT name FROM sqlite_master") == []


def test_no_migrations_means_schema_version_zero(tmp_path: Path) -> None:
    """With an empty migration list nothing is recorded and the schema version is 0."""
    report = init(tmp_path / "db.sqlite3", Settings(), migrations=[], site_defaults={})
    assert report.schema_version == 0
    assert _steps(report)[0] == ("migrations_table", "applied", "created the migrations table")


def test_step_errors_are_one_line_messages_with_their_type_unless_they_are_database_errors(tmp_path: Path) -> None:
    """A hasher's ValueError is 'ValueError: text' (newlines as spaces), an empty one just its type; a database
    error with no text is its class name."""
    from core.db import DatabaseError

    def bad_hash(password: str) -> str:
        raise ValueError(" bad\n hash \n")

    def empty_hash(password: str) -> str:
        raise RuntimeError

    failed = init(tmp_path / "a.sqlite3", hasher=bad_hash)
    assert next(s.detail for s in failed.steps if s.name == "super_admin") == "ValueError: bad  hash"
    assert failed.errors == ["super_admin: ValueError: bad  hash"]
    empty = init(tmp_path / "b.sqlite3", hasher=empty_hash)
    assert next(s.detail for s in empty.steps if s.name == "super_admin") == "RuntimeError"
    silent = init_failing(tmp_path / "c.sqlite3", "SELECT key FROM site_settings", DatabaseError())
    assert next(s.detail for s in silent.steps if s.name == "site_settings") == "DatabaseError"
    multiline = init_failing(tmp_path / "d.sqlite3", "SELECT key FROM site_settings", DatabaseError("a\nb"))
    assert next(s.detail for s in multiline.steps if s.name == "site_settings") == "a b"


class Clock:
    """A perf_counter that advances one second per call."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        self.now += 1.0
        return self.now


def test_durations_are_milliseconds_of_each_step_and_of_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a clock ticking one second per reading, every step lasts 1000 ms and the run spans all of them."""
    from core.initialization import _initialize

    monkeypatch.setattr(_initialize, "time", Clock())
    report = init(tmp_path / "db.sqlite3")
    assert [s.duration_ms for s in report.steps] == [1000.0] * len(report.steps)
    assert report.duration_ms == 1000.0 * (2 * len(report.steps) + 1)


def test_an_unreachable_database_report_times_the_connect_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """initialize() that cannot connect: the connect step's duration is the attempt's, and so is the report's."""
    from core.initialization import _initialize

    monkeypatch.setattr(_initialize, "time", Clock())
    report = asyncio.run(initialize(Settings(database_url=f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}")))
    assert report.steps[0].duration_ms == 1000.0
    assert report.duration_ms == 1000.0


def test_an_unsupported_database_url_gives_a_report_without_database_type() -> None:
    """initialize() with a mysql:// URL: database_type None (not a guess), one failed connect step, a start time."""
    import re

    report = asyncio.run(initialize(Settings(database_url="mysql://x/y")))
    assert report.database_type is None
    assert [(s.name, s.status) for s in report.steps] == [("connect", "failed")]
    assert report.errors[0].startswith("connect: unsupported database URL 'mysql://x/y'")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", report.started_at)
    assert report.to_dict()["database_type"] is None


def test_initialize_passes_its_options_on(tmp_path: Path) -> None:
    """initialize(settings, hasher=..., site_defaults=...) uses them: the given hasher, only the given defaults."""
    path = tmp_path / "db.sqlite3"
    settings = SETTINGS.replace(database_url=f"sqlite:///{path}")
    report = asyncio.run(initialize(settings, hasher=fast_hash, site_defaults={"x": 1}))
    assert report.ok
    assert report.created["site_settings"] == ["x"]
    assert query(path, "SELECT hashed_password FROM users") == [{"hashed_password": "test$correct horse"}]


class FakePostgres:
    """Just enough of a PostgreSQL Database to watch which migrations initialisation applies to it."""

    dialect = "postgresql"

    def __init__(self) -> None:
        self.table, self.applied, self.batches = False, [], []  # type: ignore[var-annotated]

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if "to_regclass('d1_migrations')" in sql:
            return {"present": 1} if self.table else None
        return None

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        if "FROM d1_migrations" in sql:
            return [{"name": name} for name in self.applied]
        return []

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        if sql.startswith("CREATE TABLE d1_migrations"):
            self.table = True
            return 0
        return 1

    async def batch(self, statements: Sequence[Statement]) -> None:
        self.batches.append([sql for sql, _ in statements])
        self.applied.append(statements[-1][1][0])


def test_a_postgresql_database_gets_the_postgresql_migrations() -> None:
    """initialize_database on a PostgreSQL database applies core's PostgreSQL files, not the SQLite ones."""
    db = FakePostgres()
    report = asyncio.run(initialize_database(db, Settings(), hasher=fast_hash))  # type: ignore[arg-type]
    assert report.ok, report.errors
    assert report.database_type == "postgresql"
    shipped = load_migrations("postgresql")
    assert db.batches == [[*m.statements(), "INSERT INTO d1_migrations (name) VALUES (?)"] for m in shipped]
    assert db.batches != [[*m.statements(), "INSERT INTO d1_migrations (name) VALUES (?)"]
                          for m in load_migrations("sqlite")]

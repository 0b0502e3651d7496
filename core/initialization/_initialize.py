"""Idempotent, race-safe database initialisation: migrations, the super admin, default site settings.

Every step first looks, then acts only if something is missing, so a second run only reads (4-5 queries; the
cron's common case). Safety under concurrent initialisers (two processes, two Workers isolates, the cron and the
endpoint) rests on constraints the database enforces, not on a lock the port would need to offer (D1 has none):

- a migration is one atomic ``batch`` together with its ``d1_migrations`` row (``name`` is UNIQUE); a loser's
  batch fails as a whole, it re-reads ``d1_migrations``, finds the migration and reports it ``skipped``;
- the super admin is ``INSERT ... ON CONFLICT DO NOTHING`` (``users.email`` and ``users.email_key`` are UNIQUE):
  exactly one row;
- default site settings likewise, keyed by ``site_settings.key``; existing values are never overwritten.

An existing account with ``ADMIN_EMAIL`` (any spelling of it: accounts are found by ``core.emails.email_key``) is
never modified (password, flags): the report says so. Accounts whose addresses collide (migration 0004) are listed in
the report's ``email_collisions``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from core.db import Database, DatabaseError, connect, detect_database_type, now_text
from core.initialization._email_keys import email_collisions, rekey_accounts
from core.initialization._report import APPLIED, FAILED, SKIPPED, InitializationReport, StepResult
from core.migrations import (
    Migration,
    applied_migrations,
    apply_migration,
    ensure_migrations_table,
    load_migrations,
    version_of,
)
from core.settings import Settings

Hasher = Callable[[str], str]
EMAIL_KEY_MIGRATION = "0004_email_key.sql"  # adds users.email_key, which the email_keys step fills

# Seeded for missing keys only; values are JSON documents. The api reads them; an operator may change them.
DEFAULT_SITE_SETTINGS: Mapping[str, Any] = MappingProxyType({
    "site_name": "leancore",
    "registration_open": True,
    "maintenance_mode": False,
})


def _message(exc: BaseException) -> str:
    """An error as one line for the report: our own errors speak for themselves, others get their type."""
    text = str(exc).strip().replace("\n", " ")
    if isinstance(exc, DatabaseError):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _default_hasher(settings: Settings) -> Hasher:
    # Imported here so the common path (admin already there) never loads the hashing module.
    from core.passwords import PasswordHasher

    return PasswordHasher(rounds=settings.password_rounds).hash


async def is_database_initialized(db: Database, migrations: Sequence[Migration] | None = None) -> bool:
    """True when every migration (core's shipped ones by default) is recorded in ``d1_migrations``.

    Database errors propagate: "cannot tell" is not "not initialised".
    """
    wanted = load_migrations(db.dialect) if migrations is None else migrations
    applied = set(await applied_migrations(db))
    return all(m.name in applied for m in wanted)


async def _run_step(report: InitializationReport, name: str,
                 body: Callable[[], Awaitable[tuple[str, str]]]) -> StepResult:
    """Run one step; its (status, detail) or, on any exception, a failed step with the error's message."""
    start = time.perf_counter()
    try:
        status, detail = await body()
    except Exception as exc:  # the report carries every failure as a message, never as a traceback
        status, detail = FAILED, _message(exc)
    return report.add(StepResult(name, status, detail, (time.perf_counter() - start) * 1000))  # type: ignore[arg-type]


async def _migrate(db: Database, report: InitializationReport, migrations: Sequence[Migration]) -> bool:
    async def table() -> tuple[str, str]:
        if await ensure_migrations_table(db):
            return APPLIED, "created the migrations table"
        return SKIPPED, "the migrations table exists"

    if (await _run_step(report, "migrations_table", table)).status == FAILED:
        return False
    try:
        applied = set(await applied_migrations(db))
    except DatabaseError as exc:
        report.add(StepResult("migrations", FAILED, _message(exc)))
        return False
    for migration in migrations:

        async def one(migration: Migration = migration) -> tuple[str, str]:
            if migration.name in applied:
                return SKIPPED, "already applied"
            try:
                await apply_migration(db, migration)
            except DatabaseError:
                # Lost a race? The winner's d1_migrations row is then there; otherwise it is a real failure,
                # and the batch left the database as it was before this migration.
                if migration.name in await applied_migrations(db):
                    return SKIPPED, "applied concurrently by another initialiser"
                raise
            report.created["migrations"].append(migration.name)
            return APPLIED, f"{len(migration.statements())} statements"

        if (await _run_step(report, f"migration {migration.name}", one)).status == FAILED:
            return False
    return True


async def _super_admin(db: Database, settings: Settings, report: InitializationReport,
                       hasher: Hasher | None) -> None:
    async def body() -> tuple[str, str]:
        email, password = settings.admin_email, settings.super_admin_password
        if email is None or password is None:
            return SKIPPED, "ADMIN_EMAIL / SUPER_ADMIN_PASSWORD not set"
        from core.emails import email_key

        key = email_key(email)
        existing = await db.fetch_one("SELECT is_superuser, is_active FROM users WHERE email_key = ?", (key,))
        if existing is None:
            hashed = (hasher or _default_hasher(settings))(password)
            inserted = await db.execute(
                "INSERT INTO users (email, email_key, hashed_password, is_active, is_superuser) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (email, key, hashed, True, True),
            )
            if inserted == 1:
                report.created["users"].append(email)
                return APPLIED, f"created super admin {email}"
            return SKIPPED, f"{email} was created concurrently by another initialiser"
        detail = (f"{email} exists; its password and flags were left unchanged "
                  "(python -m api create-admin resets them)")
        if not existing["is_superuser"] or not existing["is_active"]:
            detail += " (note: that account is not an active superuser)"
        return SKIPPED, detail

    await _run_step(report, "super_admin", body)


async def _email_keys(db: Database, report: InitializationReport) -> None:
    async def body() -> tuple[str, str]:
        changed = await rekey_accounts(db)
        report.email_collisions = await email_collisions(db)
        found = (f"; {len(report.email_collisions)} address(es) shared by several accounts: ids "
                 + "; ".join(", ".join(map(str, ids)) for ids in report.email_collisions)
                 + " (give each a distinct address: PATCH /users/{id})") if report.email_collisions else ""
        if changed:
            return APPLIED, f"keyed {changed} account(s){found}"
        return SKIPPED, f"every account is keyed{found}"

    await _run_step(report, "email_keys", body)


async def _site_settings(db: Database, defaults: Mapping[str, Any], report: InitializationReport) -> None:
    async def body() -> tuple[str, str]:
        present = {str(row["key"]) for row in await db.fetch_all("SELECT key FROM site_settings")}
        import json  # on use: ~2 ms of CPython 3.11's `import core` (import budget); once per initialisation run

        created = []
        for key, value in defaults.items():
            if key in present:
                continue
            inserted = await db.execute(
                "INSERT INTO site_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (key, json.dumps(value, separators=(",", ":"), sort_keys=True)),
            )
            if inserted == 1:
                created.append(key)
        report.created["site_settings"].extend(created)
        if created:
            return APPLIED, "inserted " + ", ".join(created)
        return SKIPPED, f"all {len(defaults)} default keys present"

    await _run_step(report, "site_settings", body)


async def initialize_database(
    db: Database,
    settings: Settings,
    *,
    migrations: Sequence[Migration] | None = None,
    site_defaults: Mapping[str, Any] | None = None,
    hasher: Hasher | None = None,
) -> InitializationReport:
    """Bring ``db`` up to date; never raises for database trouble, the report carries it (``report.ok``).

    ``migrations`` defaults to core's shipped files for ``db.dialect``, ``site_defaults`` to
    :data:`DEFAULT_SITE_SETTINGS`, ``hasher`` to ``core.passwords.PasswordHasher(rounds=settings.password_rounds)``.
    """
    start = time.perf_counter()
    report = InitializationReport(db.dialect, now_text())
    try:
        wanted = load_migrations(db.dialect) if migrations is None else tuple(migrations)
    except DatabaseError as exc:
        report.add(StepResult("migrations", FAILED, _message(exc)))
        wanted = None
    if wanted is not None and await _migrate(db, report, wanted):
        if any(m.name == EMAIL_KEY_MIGRATION for m in wanted):
            await _email_keys(db, report)
        await _super_admin(db, settings, report, hasher)
        await _site_settings(db, DEFAULT_SITE_SETTINGS if site_defaults is None else site_defaults, report)
    else:
        failed = report.steps[-1].name
        for name in ("email_keys", "super_admin", "site_settings"):
            report.add(StepResult(name, SKIPPED, f"not attempted: {failed} failed"))
    try:
        report.schema_version = max((version_of(n) for n in await applied_migrations(db)), default=0)
    except DatabaseError as exc:
        report.errors.append(f"schema_version: {_message(exc)}")
    report.duration_ms = (time.perf_counter() - start) * 1000
    return report


async def initialize(settings: Settings, **options: Any) -> InitializationReport:
    """Connect to ``settings.database_url``, initialise, close: what the CLI and the api's endpoint run.

    A database that cannot be reached gives a report with one failed ``connect`` step.
    """
    start = time.perf_counter()
    try:
        db = await connect(settings.database_url)
    except DatabaseError as exc:
        try:
            dialect: str | None = detect_database_type(settings.database_url)
        except DatabaseError:
            dialect = None
        report = InitializationReport(dialect, now_text())
        report.add(StepResult("connect", FAILED, _message(exc), (time.perf_counter() - start) * 1000))
        report.duration_ms = report.steps[0].duration_ms
        return report
    try:
        return await initialize_database(db, settings, **options)
    finally:
        await db.close()

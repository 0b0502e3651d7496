"""SQL migrations shipped as package data, and the runner that applies them (see ``_runner``).

Interface: ``Migration(name, sql)`` (``.version``, ``.statements()``), ``load_migrations(dialect)``,
``applied_migrations(db) -> list[str]``, ``ensure_migrations_table(db) -> bool``, ``apply_migration(db, m)``,
``version_of(name) -> int``. The ``sqlite`` folder holds only ``.sql`` files so wrangler can read it directly.
"""

from __future__ import annotations

from core.migrations._runner import (
    MIGRATIONS_TABLE,
    Migration,
    applied_migrations,
    apply_migration,
    ensure_migrations_table,
    folder_for,
    load_migrations,
    migrations_table_exists,
    version_of,
)

__all__ = [
    "MIGRATIONS_TABLE",
    "Migration",
    "applied_migrations",
    "apply_migration",
    "ensure_migrations_table",
    "folder_for",
    "load_migrations",
    "migrations_table_exists",
    "version_of",
]

"""Database initialisation for the cron trigger, the init endpoint and the CLI.

Interface (stable; the api builds on it)::

    async is_database_initialized(db: Database, migrations=None) -> bool
    async initialize_database(db: Database, settings: Settings, *, migrations=None, site_defaults=None,
                              hasher=None) -> InitializationReport      # never raises for database trouble
    async initialize(settings: Settings, **options) -> InitializationReport   # connect + initialise + close
    InitializationReport: .ok, .changed, .to_dict(), .to_json(indent=None), .steps, .created, .schema_version
    StepResult(name, status: "applied" | "skipped" | "failed", detail, duration_ms)
    DEFAULT_SITE_SETTINGS: Mapping[str, JSON value]
    async email_collisions(db: Database) -> list[list[int]]   # accounts sharing one address key (migration 0004)

CLI: ``python -m core.initialization [--database-url URL] [--json]`` prints a summary on a terminal, the JSON report
with ``--json`` or when piped; exits non-zero on failure.
"""

from __future__ import annotations

from core.initialization._email_keys import email_collisions
from core.initialization._initialize import (
    DEFAULT_SITE_SETTINGS,
    EMAIL_KEY_MIGRATION,
    Hasher,
    initialize,
    initialize_database,
    is_database_initialized,
)
from core.initialization._report import APPLIED, FAILED, SKIPPED, InitializationReport, StepResult, StepStatus

__all__ = [
    "APPLIED",
    "DEFAULT_SITE_SETTINGS",
    "EMAIL_KEY_MIGRATION",
    "FAILED",
    "SKIPPED",
    "Hasher",
    "InitializationReport",
    "StepResult",
    "StepStatus",
    "email_collisions",
    "initialize",
    "initialize_database",
    "is_database_initialized",
]

"""The initialisation report: what was done, what was already there, what failed — JSON-serialisable.

``to_dict()`` shape (stable; the api returns it and the cron logs it)::

    {"ok": bool, "database_type": "sqlite" | "postgresql" | "d1" | null, "schema_version": int,
     "started_at": "2025-01-31T12:00:00.123Z", "duration_ms": float,
     "steps": [{"name": str, "status": "applied" | "skipped" | "failed", "detail": str, "duration_ms": float}],
     "created": {"migrations": [str], "users": [str], "site_settings": [str]},
     "email_collisions": [[int]],   # ids of accounts sharing one address key, the key's holder first
     "errors": [str]}

Errors are messages (``"migration 0002_x.sql: sqlite: no such table: y"``), never tracebacks.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple  # typing is loaded by core.db._port's runtime Protocol anyway

StepStatus = Literal["applied", "skipped", "failed"]
APPLIED: StepStatus = "applied"
SKIPPED: StepStatus = "skipped"
FAILED: StepStatus = "failed"


class StepResult(NamedTuple):
    """One step: its name (``migration 0001_initial.sql``, ``super_admin``, ...), status, detail and duration."""

    name: str
    status: StepStatus
    detail: str = ""
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "detail": self.detail,
                "duration_ms": round(self.duration_ms, 3)}


class InitializationReport:
    """The outcome of one :func:`initialize_database` run, filled in step by step."""

    __slots__ = (
        "created",
        "database_type",
        "duration_ms",
        "email_collisions",
        "errors",
        "schema_version",
        "started_at",
        "steps",
    )

    def __init__(self, database_type: str | None, started_at: str) -> None:
        self.database_type = database_type
        self.started_at = started_at
        self.steps: list[StepResult] = []
        self.created: dict[str, list[str]] = {"migrations": [], "users": [], "site_settings": []}
        self.schema_version = 0
        self.duration_ms = 0.0
        self.email_collisions: list[list[int]] = []
        self.errors: list[str] = []

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({fields})"

    @property
    def ok(self) -> bool:
        """True when no step failed."""
        return not self.errors and all(step.status != FAILED for step in self.steps)

    @property
    def changed(self) -> bool:
        """True when some step applied something (False on every run after the first)."""
        return any(step.status == APPLIED for step in self.steps)

    def add(self, step: StepResult) -> StepResult:
        self.steps.append(step)
        if step.status == FAILED:
            self.errors.append(f"{step.name}: {step.detail}")
        return step

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "database_type": self.database_type,
            "schema_version": self.schema_version,
            "started_at": self.started_at,
            "duration_ms": round(self.duration_ms, 3),
            "steps": [step.to_dict() for step in self.steps],
            "created": {key: list(values) for key, values in self.created.items()},
            "email_collisions": [list(ids) for ids in self.email_collisions],
            "errors": list(self.errors),
        }

    def to_json(self, *, indent: int | None = None) -> str:
        # on use: ~2 ms of CPython 3.11's `import core` (import budget); the api serialises to_dict() itself
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

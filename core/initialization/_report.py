"""The initialisation report: what was done, what was already there, what failed — JSON-serialisable.

``to_dict()`` shape (stable; the api returns it and the cron logs it)::

    {"ok": bool, "database_type": "sqlite" | "postgresql" | "d1" | null, "schema_version": int,
     "started_at": "2025-01-31T12:00:00.123Z", "duration_ms": float,
     "steps": [{"name": str, "status": "applied" | "skipped" | "failed", "detail": str, "duration_ms": float}],
     "created": {"migrations": [str], "users": [str], "site_settings": [str]},
     "errors": [str]}

Errors are messages (``"migration 0002_x.sql: sqlite: no such table: y"``), never tracebacks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

StepStatus = Literal["applied", "skipped", "failed"]
APPLIED: StepStatus = "applied"
SKIPPED: StepStatus = "skipped"
FAILED: StepStatus = "failed"


@dataclass
class StepResult:
    """One step: its name (``migration 0001_initial.sql``, ``super_admin``, ...), status, detail and duration."""

    name: str
    status: StepStatus
    detail: str = ""
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "detail": self.detail,
                "duration_ms": round(self.duration_ms, 3)}


@dataclass
class InitializationReport:
    """The outcome of one :func:`initialize_database` run."""

    database_type: str | None
    started_at: str
    steps: list[StepResult] = field(default_factory=list)
    created: dict[str, list[str]] = field(
        default_factory=lambda: {"migrations": [], "users": [], "site_settings": []}
    )
    schema_version: int = 0
    duration_ms: float = 0.0
    errors: list[str] = field(default_factory=list)

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
            "errors": list(self.errors),
        }

    def to_json(self, *, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

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

from typing import Any, Literal  # typing is loaded by core.db._port's runtime Protocol anyway

# Plain classes, not @dataclass: a dataclass generates and compiles its methods' source when the class is created,
# ~2.5 ms per class inside Pyodide at import (workers.import_core budget, docs/pyodide-harness.md). The methods
# below are what @dataclass generated (same __init__ signature, __repr__, __eq__, unhashable), written out.

StepStatus = Literal["applied", "skipped", "failed"]
APPLIED: StepStatus = "applied"
SKIPPED: StepStatus = "skipped"
FAILED: StepStatus = "failed"


class StepResult:
    """One step: its name (``migration 0001_initial.sql``, ``super_admin``, ...), status, detail and duration."""

    __slots__ = ("detail", "duration_ms", "name", "status")
    __match_args__ = ("name", "status", "detail", "duration_ms")
    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value, as the dataclass was

    def __init__(self, name: str, status: StepStatus, detail: str = "", duration_ms: float = 0.0) -> None:
        self.name = name
        self.status = status
        self.detail = detail
        self.duration_ms = duration_ms

    def __repr__(self) -> str:
        return (f"{type(self).__qualname__}(name={self.name!r}, status={self.status!r}, detail={self.detail!r}, "
                f"duration_ms={self.duration_ms!r})")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return (self.name, self.status, self.detail, self.duration_ms) == (
            other.name, other.status, other.detail, other.duration_ms)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "detail": self.detail,
                "duration_ms": round(self.duration_ms, 3)}


class InitializationReport:
    """The outcome of one :func:`initialize_database` run."""

    __slots__ = ("created", "database_type", "duration_ms", "email_collisions", "errors", "schema_version",
                 "started_at", "steps")
    __match_args__ = ("database_type", "started_at", "steps", "created", "schema_version", "duration_ms", "errors")
    _FIELDS = __match_args__
    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value, as the dataclass was

    def __init__(self, database_type: str | None, started_at: str, steps: list[StepResult] | None = None,
                 created: dict[str, list[str]] | None = None, schema_version: int = 0, duration_ms: float = 0.0,
                 errors: list[str] | None = None) -> None:
        self.database_type = database_type
        self.started_at = started_at
        # Fresh containers per report (what field(default_factory=...) did).
        self.steps: list[StepResult] = [] if steps is None else steps
        self.created: dict[str, list[str]] = (
            {"migrations": [], "users": [], "site_settings": []} if created is None else created)
        self.schema_version = schema_version
        self.duration_ms = duration_ms
        self.errors: list[str] = [] if errors is None else errors
        self.email_collisions: list[list[int]] = []

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self._FIELDS, self._values(), strict=True))
        return f"{type(self).__qualname__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

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
        import json  # on use: ~2 ms of CPython's `import core` (import budget); the api serialises to_dict() itself

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

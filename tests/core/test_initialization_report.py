"""core.initialization's report: a fresh report's fields, its dict / JSON forms (rounding, indentation, non-ASCII
text kept as is) and its repr."""

from __future__ import annotations

import json

from core.initialization import InitializationReport, StepResult


def test_a_fresh_report_has_empty_documented_fields() -> None:
    """A report before any step: ok, schema version 0, 0 ms, nothing created, no collisions, no errors."""
    report = InitializationReport("sqlite", "2025-01-31T12:00:00.123Z")
    assert report.to_dict() == {
        "ok": True, "database_type": "sqlite", "schema_version": 0, "started_at": "2025-01-31T12:00:00.123Z",
        "duration_ms": 0.0, "steps": [], "created": {"migrations": [], "users": [], "site_settings": []},
        "email_collisions": [], "errors": []}
    assert isinstance(report.to_dict()["duration_ms"], float)
    assert report.changed is False


def test_repr_lists_every_field() -> None:
    """repr() names the class and every field as name=value, comma-separated."""
    assert repr(InitializationReport(None, "t")) == (
        "InitializationReport(created={'migrations': [], 'users': [], 'site_settings': []}, database_type=None, "
        "duration_ms=0.0, email_collisions=[], errors=[], schema_version=0, started_at='t', steps=[])")


def test_durations_are_rounded_to_microseconds() -> None:
    """to_dict() rounds the report's and each step's duration_ms to three decimals (still floats)."""
    report = InitializationReport("sqlite", "t")
    report.duration_ms = 12.34567
    report.add(StepResult("x", "applied", "done", 1.23456))
    data = report.to_dict()
    assert data["duration_ms"] == 12.346
    assert data["steps"] == [{"name": "x", "status": "applied", "detail": "done", "duration_ms": 1.235}]
    assert StepResult("y", "skipped").to_dict() == {"name": "y", "status": "skipped", "detail": "", "duration_ms": 0.0}


def test_to_json_is_compact_by_default_indented_on_request_and_keeps_non_ascii() -> None:
    """to_json() is one line; indent=2 indents by two spaces; non-ASCII text (an address, an error) stays readable."""
    report = InitializationReport("sqlite", "t")
    report.add(StepResult("super_admin", "failed", "josé@example.com: no"))
    one_line = report.to_json()
    assert "\n" not in one_line
    assert "josé@example.com" in one_line
    assert "\\u" not in one_line
    assert json.loads(one_line) == report.to_dict()
    indented = report.to_json(indent=2)
    assert indented == json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
    assert indented.startswith('{\n  "ok": false,\n  "database_type": "sqlite",')
    assert "josé@example.com" in indented

"""worker.Default.scheduled over a fresh real local D1: the first run initialises, the second does nothing."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import harness  # registered by run_worker_checks.mjs
from _entry import call_scheduled


async def _scheduled_log(env: Any) -> list[dict[str, Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        await call_scheduled(env)
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_scheduled_twice_initialises_once(env: Any) -> None:
    """Run 1 applies the migrations and logs one JSON line; run 2 logs one line saying nothing changed."""
    assert len(await harness.list_applied_migrations(env.DB)) == 0
    first = await _scheduled_log(env)
    assert len(first) == 1, first
    assert first[0]["ok"] is True, first
    assert first[0]["changed"] is True, first
    applied = [row.name for row in await harness.list_applied_migrations(env.DB)]
    second = await _scheduled_log(env)
    assert second == [{"event": "scheduled", "initialized": True, "changed": False}], second
    assert [row.name for row in await harness.list_applied_migrations(env.DB)] == applied
    assert list(await harness.list_unapplied_migrations(env.DB, "core/migrations/sqlite")) == []

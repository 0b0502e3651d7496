"""Race safety with real concurrent processes: N initialisers started together on one database.

Every competitor must succeed, and the database must end with one admin and each migration applied once. The
workers connect first and then wait for a common start file, so their initialisations overlap in time.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from core.db import connect
from core.initialization import DEFAULT_SITE_SETTINGS
from core.migrations import load_migrations

WORKER = Path(__file__).with_name("_race_worker.py")
COMPETITORS = 4


def race(url: str, tmp_path: Path) -> list[dict[str, Any]]:
    go = tmp_path / "go"
    readies = [tmp_path / f"ready{i}" for i in range(COMPETITORS)]
    procs = [subprocess.Popen([sys.executable, str(WORKER), url, str(r), str(go)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for r in readies]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in readies):
        assert time.monotonic() < deadline, "competitors did not get ready"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs if p.poll() is not None]
        time.sleep(0.005)
    go.touch()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    return reports


def check_outcome(url: str, reports: list[dict[str, Any]]) -> None:
    assert [r["ok"] for r in reports] == [True] * COMPETITORS, [r["errors"] for r in reports]
    assert sum(step["name"] == "migrations_table" and step["status"] == "applied"
               for r in reports for step in r["steps"]) == 1
    shipped = [m.name for m in load_migrations("sqlite")]  # same names in both dialects' folders
    # each migration applied by exactly one competitor (not necessarily the same one for all of them)
    assert sorted(m for r in reports for m in r["created"]["migrations"]) == sorted(shipped)
    assert sum(r["created"]["users"] == ["admin@example.com"] for r in reports) == 1
    assert sorted(k for r in reports for k in r["created"]["site_settings"]) == sorted(DEFAULT_SITE_SETTINGS)

    async def rows() -> tuple[Any, ...]:
        db = await connect(url)
        try:
            return (await db.fetch_all("SELECT name FROM d1_migrations"),
                    await db.fetch_all("SELECT email FROM users"),
                    await db.fetch_one("SELECT count(*) AS n FROM site_settings"))
        finally:
            await db.close()

    migrations, users, settings = asyncio.run(rows())
    assert migrations == [{"name": n} for n in shipped]
    assert users == [{"email": "admin@example.com"}]
    assert settings == {"n": len(DEFAULT_SITE_SETTINGS)}


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_processes_on_one_sqlite_file(tmp_path: Path, round_: int) -> None:
    """Four processes initialising one fresh SQLite file at once all succeed: one admin, each migration applied once."""
    url = f"sqlite:///{tmp_path / f'race{round_}.sqlite3'}"
    check_outcome(url, race(url, tmp_path))


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(3))
def test_concurrent_processes_on_postgresql(pg_url: str, tmp_path: Path, round_: int) -> None:
    """Four processes initialising one fresh PostgreSQL schema at once all succeed: one admin, 0001 once."""
    check_outcome(pg_url, race(pg_url, tmp_path))

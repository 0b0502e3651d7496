"""initialize_database on an already-initialised SQLite file: the cron trigger's (and every later run's) case.

Budget (bench/budgets.toml): init.already_initialized.sqlite <= 20 ms. The same run also times the SQLite
adapter's worker-thread mode (``offload=True``; the figure behind core/db/_sqlite.py's inline default) and the
whole CLI path's work (connect + initialise + close).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.db import Database, connect
from core.initialization import initialize, initialize_database
from core.settings import Settings


@pytest.fixture
def initialised(tmp_path: Path) -> Iterator[tuple[asyncio.AbstractEventLoop, Settings]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bench.sqlite3'}", admin_email="admin@example.com",
                        super_admin_password="pw", password_rounds=1000)
    loop = asyncio.new_event_loop()
    report = loop.run_until_complete(initialize(settings))
    assert report.ok
    assert report.changed
    yield loop, settings
    loop.close()


@pytest.mark.parametrize(("offload", "mid"), [(False, "init.already_initialized.sqlite"),
                                              (True, "init.already_initialized.sqlite.thread")])
def test_initialize_already_initialized_sqlite(benchmark: Any, bench_id: Callable[[str], None],
                                               initialised: tuple[asyncio.AbstractEventLoop, Settings],
                                               offload: bool, mid: str) -> None:
    """One initialize_database call on an open connection to an initialised file: reads only, all skipped."""
    loop, settings = initialised
    db: Database = loop.run_until_complete(connect(settings.database_url, sqlite_offload=offload))
    bench_id(mid)
    report = benchmark(lambda: loop.run_until_complete(initialize_database(db, settings)))
    loop.run_until_complete(db.close())
    assert report.ok
    assert not report.changed


def test_connect_initialize_close_already_initialized_sqlite(
    benchmark: Any, bench_id: Callable[[str], None], initialised: tuple[asyncio.AbstractEventLoop, Settings]
) -> None:
    """The CLI's work without interpreter start-up: connect, initialise (nothing to do), close."""
    loop, settings = initialised
    bench_id("init.connect_and_already_initialized.sqlite")
    report = benchmark(lambda: loop.run_until_complete(initialize(settings)))
    assert report.ok
    assert not report.changed

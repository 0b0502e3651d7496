"""Fixtures shared by every benchmark module."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bench._machine import machine_info, source_revision
from bench._results import RESULTS_DIR, RUN_JSON, Measurement, save_measurements

# CI runs a quick profile (fewer cold-start samples, shorter timing rounds); every budget is still measured.
QUICK = os.environ.get("LEANCORE_BENCH_QUICK", "") not in ("", "0")
COLD_RUNS = 15 if QUICK else 31

# One id per pytest session: a ratio budget only compares two measurements carrying the same id (same run).
RUN_ID = os.environ.get("LEANCORE_BENCH_RUN") or f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"

_recorded: dict[str, Measurement] = {}

Record = Callable[..., None]
Progress = Callable[[str], None]


@pytest.fixture
def record() -> Record:
    """Record a measurement that pytest-benchmark does not take (a cold start, a size, a Pyodide figure)."""

    def _record(mid: str, value: float, unit: str, **details: Any) -> None:
        _recorded[mid] = Measurement(mid, float(value), unit, {**details, "run": RUN_ID})

    return _record


@pytest.fixture
def bench_id(benchmark: Any) -> Callable[[str], None]:
    """Name a pytest-benchmark timing so budgets can refer to it."""

    def _name(mid: str) -> None:
        benchmark.extra_info["id"] = mid
        benchmark.extra_info["run"] = RUN_ID

    return _name


@pytest.fixture
def progress(pytestconfig: pytest.Config) -> Progress:
    """Print a progress line past pytest's output capture (long measurements must show they are alive)."""
    capman = pytestconfig.pluginmanager.getplugin("capturemanager")

    def _say(message: str) -> None:
        with capman.global_and_fixture_disabled():
            print(f"  [bench] {message}", flush=True)

    return _say


@pytest.fixture(scope="session", autouse=True)
def _flush_records() -> Iterator[None]:
    started = time.time()
    # read before measuring: later commits (the report itself) must not be credited with these figures
    commit = source_revision()
    yield
    if _recorded:
        save_measurements(_recorded)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    run = {"run": RUN_ID, "quick": QUICK, "cold_runs": COLD_RUNS, "started": started, "seconds": time.time() - started,
           "commit": commit}
    RUN_JSON.write_text(json.dumps({**run, "machine": machine_info()}, indent=2))

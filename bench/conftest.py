"""Fixtures shared by every benchmark module."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bench._results import Measurement, save_measurements

# CI runs a quick profile (fewer cold-start samples); every budget is still measured.
QUICK = os.environ.get("LEANCORE_BENCH_QUICK", "") not in ("", "0")
COLD_RUNS = 15 if QUICK else 31

_recorded: dict[str, Measurement] = {}

Record = Callable[..., None]


@pytest.fixture
def record() -> Record:
    """Record a measurement that pytest-benchmark does not take (a cold start, a size, a Pyodide figure)."""

    def _record(mid: str, value: float, unit: str, **details: Any) -> None:
        _recorded[mid] = Measurement(mid, float(value), unit, details)

    return _record


@pytest.fixture
def bench_id(benchmark: Any) -> Callable[[str], None]:
    """Name a pytest-benchmark timing so budgets can refer to it."""

    def _name(mid: str) -> None:
        benchmark.extra_info["id"] = mid

    return _name


@pytest.fixture(scope="session", autouse=True)
def _flush_records() -> Iterator[None]:
    yield
    if _recorded:
        save_measurements(_recorded)

"""Where measurements live between the pytest run that takes them and the budget check / report that reads them.

Two sources, one namespace of measurement ids:
- pytest-benchmark timings, identified by ``benchmark.extra_info["id"]`` (value: the median, in seconds);
- everything else (cold starts in fresh processes, sizes, Pyodide CPU), recorded with the ``record`` fixture.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(os.environ.get("LEANCORE_BENCH_DIR", Path(__file__).resolve().parent.parent / ".bench"))
BENCHMARK_JSON = RESULTS_DIR / "benchmarks.json"
MEASUREMENTS_JSON = RESULTS_DIR / "measurements.json"


@dataclass
class Measurement:
    id: str
    value: float
    unit: str
    details: dict[str, Any] = field(default_factory=dict)


def save_measurements(measurements: dict[str, Measurement]) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    existing = load_recorded()
    existing.update(measurements)
    MEASUREMENTS_JSON.write_text(json.dumps({k: asdict(v) for k, v in sorted(existing.items())}, indent=2))


def load_recorded() -> dict[str, Measurement]:
    if not MEASUREMENTS_JSON.exists():
        return {}
    return {k: Measurement(**v) for k, v in json.loads(MEASUREMENTS_JSON.read_text()).items()}


def load_benchmarks(path: Path = BENCHMARK_JSON) -> dict[str, Measurement]:
    """pytest-benchmark's JSON, reduced to the medians of the benchmarks that carry an id."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    out: dict[str, Measurement] = {}
    for bench in data.get("benchmarks", []):
        mid = bench.get("extra_info", {}).get("id")
        if mid:
            stats = bench["stats"]
            out[mid] = Measurement(
                mid,
                stats["median"],
                "s",
                {"rounds": stats["rounds"], "iqr": stats["iqr"], "min": stats["min"], "ops": stats["ops"]},
            )
    return out


def load_all() -> dict[str, Measurement]:
    merged = load_benchmarks()
    merged.update(load_recorded())
    return merged


def reset() -> None:
    for path in (BENCHMARK_JSON, MEASUREMENTS_JSON):
        path.unlink(missing_ok=True)

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
# Machine, interpreter, library versions and profile of the last pytest session over bench/ (written by conftest).
RUN_JSON = RESULTS_DIR / "run.json"
# pytest-benchmark's --benchmark-autosave history, for --benchmark-compare between two runs.
HISTORY_DIR = RESULTS_DIR / "history"


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
    # pytest-benchmark leaves the file empty when the session took no timing (e.g. only sizes were measured)
    text = path.read_text().strip() if path.exists() else ""
    if not text:
        return {}
    data = json.loads(text)
    out: dict[str, Measurement] = {}
    for bench in data.get("benchmarks", []):
        mid = bench.get("extra_info", {}).get("id")
        if mid:
            stats = bench["stats"]
            details = {"rounds": stats["rounds"], "iqr": stats["iqr"], "min": stats["min"], "ops": stats["ops"]}
            if "run" in bench["extra_info"]:
                details["run"] = bench["extra_info"]["run"]
            out[mid] = Measurement(mid, stats["median"], "s", details)
    return out


def load_all() -> dict[str, Measurement]:
    merged = load_benchmarks()
    merged.update(load_recorded())
    return merged


def load_run_info() -> dict[str, Any]:
    return json.loads(RUN_JSON.read_text()) if RUN_JSON.exists() else {}


def reset() -> None:
    for path in (BENCHMARK_JSON, MEASUREMENTS_JSON, RUN_JSON):
        path.unlink(missing_ok=True)

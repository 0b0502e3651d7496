"""The CPU one login costs per hash group, on CPython and on Workers, from the latest benchmark results.

The figures are the benchmarks' own (bench/test_passwords_bench.py, bench/test_workers_bench.py), read from the
results folder bench/_results.py names (``.bench/`` in the checkout, or ``LEANCORE_BENCH_DIR``), and scaled to
each group's work factor: PBKDF2 linearly in its iterations, bcrypt by 2 per cost step. Nothing is estimated
when a figure is missing: the group says so, and the report says how to measure.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, NamedTuple

MEASURE = 'tox -e bench -- -k "passwords or login"'
# measurement id -> (what it is, the work factor it was measured at)
FIGURES = {
    "passwords.hash.600k.core": ("CPython, PBKDF2 (hashlib)", 600_000),
    "passwords.bcrypt8.verify.native": ("CPython, bcrypt (pyca/bcrypt)", 8),
    "passwords.bcrypt8.verify.pure": ("CPython, bcrypt (pure Python, no bcrypt package)", 8),
    "workers.login.pbkdf2_600k": ("Workers (Pyodide), PBKDF2", 600_000),
    "workers.login.bcrypt_cost10": ("Workers (Pyodide), bcrypt (pure Python)", 10),
}
WORKERS_DEFAULT_CPU_MS = 30_000  # Workers' default CPU limit per request (paid plans may raise it to 5 min)


class Figure(NamedTuple):
    id: str
    ms: float
    measured_at: float  # work factor
    run: str | None


def _ms(value: float, unit: str) -> float | None:
    return {"s": value * 1000, "ms": value, "us": value / 1000}.get(unit)


def default_dir() -> Path:
    try:
        from bench._results import RESULTS_DIR  # the checkout's bench/, where the results are written
    except ImportError:
        return Path(".bench")
    return RESULTS_DIR


def load(results_dir: Path) -> dict[str, Figure]:
    """The figures FIGURES names that the results folder holds (pytest-benchmark's medians, recorded figures)."""
    found: dict[str, Any] = {}
    bench_json = results_dir / "benchmarks.json"
    if bench_json.is_file() and bench_json.read_text().strip():
        for bench in json.loads(bench_json.read_text()).get("benchmarks", []):
            extra = bench.get("extra_info", {})
            if extra.get("id") in FIGURES:
                found[extra["id"]] = (bench["stats"]["median"], "s", extra.get("run"))
    recorded = results_dir / "measurements.json"
    if recorded.is_file():
        for mid, m in json.loads(recorded.read_text()).items():
            if mid in FIGURES:
                found[mid] = (m["value"], m["unit"], m.get("details", {}).get("run"))
    figures = {}
    for mid, (value, unit, run) in found.items():
        ms = _ms(float(value), unit)
        if ms is not None:
            figures[mid] = Figure(mid, ms, FIGURES[mid][1], run)
    return figures


def when(run: str | None) -> str | None:
    """A run id (``20261130T141502-4242``, bench/conftest.py) as the local date and time it started."""
    match = re.fullmatch(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)-\d+", run or "")
    return "{}-{}-{} {}:{}:{}".format(*match.groups()) if match else None


def _scaled(figures: dict[str, Figure], mid: str, factor: float) -> dict[str, Any] | None:
    fig = figures.get(mid)
    if fig is None:
        return None
    return {"ms": round(fig.ms * factor, 3), "from": mid, "measured_ms": round(fig.ms, 3),
            "measured_at": fig.measured_at, "run": fig.run, "measured": when(fig.run)}


def login_cost(figures: dict[str, Figure], scheme: str, cost: int) -> dict[str, dict[str, Any] | None]:
    """CPU ms of one verification of a hash of this scheme and work factor, per platform (None: not measured)."""
    if scheme == "bcrypt":
        out = {"cpython": _scaled(figures, "passwords.bcrypt8.verify.native", 2.0 ** (cost - 8)),
               "cpython_pure": _scaled(figures, "passwords.bcrypt8.verify.pure", 2.0 ** (cost - 8)),
               "workers": _scaled(figures, "workers.login.bcrypt_cost10", 2.0 ** (cost - 10))}
    else:
        out = {"cpython": _scaled(figures, "passwords.hash.600k.core", cost / 600_000), "cpython_pure": None,
               "workers": _scaled(figures, "workers.login.pbkdf2_600k", cost / 600_000)}
    workers = out["workers"]
    if workers is not None:
        workers["over_default_limit"] = workers["ms"] > WORKERS_DEFAULT_CPU_MS
    return out


def _session(results_dir: Path, runs: set[str | None]) -> dict[str, Any] | None:
    """Interpreter and profile of the last bench session (run.json), when the figures come from that session."""
    path = results_dir / "run.json"
    try:
        info = json.loads(path.read_text()) if path.is_file() else {}
    except ValueError:
        return None
    if info.get("run") not in runs:
        return None
    machine = info.get("machine", {})
    return {"python": f"{machine.get('implementation', 'Python')} {machine.get('python', '?')}",
            "cpu": machine.get("cpu"), "profile": "quick" if info.get("quick") else "full"}


def _shown(path: Path) -> str:
    """The folder relative to the working directory when it is inside it (``.bench``), else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def summary(results_dir: Path, figures: dict[str, Figure]) -> dict[str, Any]:
    """Where the figures come from and when they were measured, or how to measure them."""
    shown = _shown(results_dir)
    if not figures:
        return {"measured": False, "dir": shown,
                "message": f"no benchmark results in {shown}/: CPU per login is not shown. Measure it with "
                           f"`{MEASURE}` (writes .bench/; the Workers figures need the Pyodide harness, which tox "
                           "installs), then run this command again."}
    missing = sorted(set(FIGURES) - set(figures))
    runs = sorted({when(f.run) or "unknown" for f in figures.values()})
    session = _session(results_dir, {f.run for f in figures.values()})
    return {"measured": True, "dir": shown, "runs": runs, "session": session,
            "figures": {mid: {"what": FIGURES[mid][0], "ms": round(f.ms, 3), "at": f.measured_at,
                              "measured": when(f.run)} for mid, f in sorted(figures.items())},
            "missing": missing,
            "message": f"CPU per login scaled from the benchmark results in {shown}/, measured "
                       f"{', '.join(runs)} (local time of each run)"
                       + (f" on {session['python']}, {session['profile']} profile" if session else "") + "; "
                       + (f"not measured: {', '.join(missing)} (`{MEASURE}`)" if missing else "all figures present")}

"""Workers figures measured inside Pyodide 314 under Node (workers_harness/measure.mjs), recorded for the budgets.

Each figure is the median of fresh Node processes (whole-process CPU, what Workers bills; the main thread's CPU is
kept alongside), run offline under workers_harness/offline.sh. Needs the harness installed: `npm ci --prefix
workers_harness` and `python workers_harness/fetch_wheels.py` (the bench, budgets and report tox envs do both).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bench.conftest import QUICK, Progress, Record

HARNESS = Path(__file__).resolve().parent.parent / "workers_harness"
# Samples per figure (fresh processes). The quick profile still measures every budget, with fewer samples, and
# legacy bcrypt at cost 8 scaled x4 (bcrypt's work doubles per cost step) instead of cost 10 itself (~16 s each).
# nosnapshot takes 11 per side in both: its budget is a ratio of two medians whose samples spread by +-10-15% from
# one fresh process to the next; with 5 a side the same code read 1.04x and 1.15x an hour apart (2026-11-28), and
# with 7 a side one CI run read 1.16x where the same commit had read 1.03-1.06x (2026-12-01).
# pbkdf2-paths and jwt-mac count calls / batches per side in one process (~1-2 s / ~20 ms each), not processes.
RUNS = {
    "import-core": 3, "snapshot": 2, "nosnapshot": 11, "login-pbkdf2": 1, "login-bcrypt": 1, "pbkdf2-paths": 3,
    "jwt-mac": 7,
} if QUICK else {
    "import-core": 7, "snapshot": 5, "nosnapshot": 11, "login-pbkdf2": 3, "login-bcrypt": 3, "pbkdf2-paths": 5,
    "jwt-mac": 9,
}
BCRYPT_COST = 8 if QUICK else 10


def _measure(figure: str, progress: Progress) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (HARNESS / "node_modules" / "pyodide").is_dir():
        pytest.fail("the Pyodide harness is not installed: npm ci --prefix workers_harness (tox does it)")
    unit = "calls a side, one process" if figure in ("pbkdf2-paths", "jwt-mac") else "fresh processes"
    progress(f"Pyodide: {figure} ({RUNS[figure]} {unit})")
    cmd = [str(HARNESS / "offline.sh"), node, str(HARNESS / "measure.mjs"), "--runs", str(RUNS[figure]),
           "--bcrypt-cost", str(BCRYPT_COST), figure]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
    assert out.returncode == 0, out.stderr[-4000:]
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def _record_all(record: Record, figures: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    by_id = {}
    for fig in figures:
        details = {k: v for k, v in fig.items() if k not in ("id", "value", "unit")}
        record(fig["id"], fig["value"], fig["unit"], cpu="whole process", **details)
        by_id[fig["id"]] = fig
    return by_id


def test_import_core_inside_pyodide(record: Record, progress: Progress) -> None:
    """Importing every core module inside Pyodide is timed (CPU) and recorded as workers.import_core."""
    figs = _record_all(record, _measure("import-core", progress))
    assert set(figs) == {"workers.import_core"}


def test_snapshot_restore_and_first_request(record: Record, progress: Progress) -> None:
    """A snapshot taken after `import worker` is restored in fresh processes that serve the first request."""
    figs = _record_all(record, _measure("snapshot", progress))
    fig = figs["workers.snapshot.first_request"]
    record("workers.snapshot.first_request.main_thread", fig["main_ms"], "ms", runs=fig["runs"], cpu="main thread")


def test_no_snapshot_first_request_vs_bare_fastapi(record: Record, progress: Progress) -> None:
    """import worker + first request is timed against a bare FastAPI app of the same shape, samples interleaved."""
    figs = _record_all(record, _measure("nosnapshot", progress))
    ours, bare = figs["workers.nosnapshot.first_request.leancore"], figs["workers.nosnapshot.first_request.bare"]
    assert (ours["routes"], ours["models"]) == (bare["routes"], bare["models"])
    assert ours["routes"] > 0


def test_login_cpu_per_scheme(record: Record, progress: Progress) -> None:
    """verify_password CPU inside Pyodide: PBKDF2 at the policy's 600,000 rounds and a legacy bcrypt hash at cost 10."""
    figs = _record_all(record, _measure("login-pbkdf2", progress) + _measure("login-bcrypt", progress))
    assert figs["workers.login.pbkdf2_600k"]["rounds"] == 600_000
    assert figs["workers.login.bcrypt_cost10"]["measured_cost"] == BCRYPT_COST


def test_pbkdf2_paths_alternating_in_one_process(record: Record, progress: Progress) -> None:
    """PBKDF2 at 600,000 rounds by core's default path inside Pyodide (the one-shot _hmac chain) and by the copy loop
    it replaced, alternating in one process; a plain for loop over the same one-shot call is recorded beside them."""
    figs = _record_all(record, _measure("pbkdf2-paths", progress))
    assert set(figs) == {f"workers.pbkdf2_600k.paired.{side}" for side in ("default", "copy", "for_loop")}
    assert figs["workers.pbkdf2_600k.paired.default"]["path"] == "oneshot"
    assert all(fig["rounds"] == 600_000 and fig["runs"] == RUNS["pbkdf2-paths"] for fig in figs.values())


def test_jwt_mac_preparations_alternating_in_one_process(record: Record, progress: Progress) -> None:
    """core.jwt's MAC inside Pyodide by the one-shot _hmac call and by the pad-state copies, alternating in one process,
    is recorded per digest with the one-shot / states ratio."""
    figs = _record_all(record, _measure("jwt-mac", progress))
    digests = ("sha256", "sha384", "sha512")
    assert set(figs) == {f"workers.jwt_mac.{d}.{side}" for d in digests for side in ("oneshot", "states")}
    for d in digests:
        ratio = figs[f"workers.jwt_mac.{d}.oneshot"]["value"] / figs[f"workers.jwt_mac.{d}.states"]["value"]
        record(f"workers.jwt_mac.{d}.oneshot_over_states", ratio, "x", estimator="min over min")

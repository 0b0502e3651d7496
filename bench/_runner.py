"""``python -m bench run``: one pytest session over ``bench/`` that leaves every result where check/report read it.

- pytest-benchmark's JSON goes to ``.bench/benchmarks.json`` (read by the budgets) and, autosaved, to
  ``.bench/history/`` so two runs can be compared (``--benchmark-compare``, README).
- CPU time (``time.process_time``) is the timer: Workers budgets are CPU budgets, and on these shared 2-core
  machines wall time mostly measures the neighbours.
- The quick profile (``--quick``, ``LEANCORE_BENCH_QUICK=1``, or ``CI=true``) shortens every timing and cold-start
  loop; it still takes every measurement, so every budget is still checked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench._results import BENCHMARK_JSON, HISTORY_DIR, RESULTS_DIR, reset

FULL = ["--benchmark-min-rounds=10", "--benchmark-max-time=1.0", "--benchmark-warmup=on"]
# pytest-benchmark calibrates the iterations per round; fewer, shorter rounds keep medians usable in CI.
QUICK = ["--benchmark-min-rounds=5", "--benchmark-max-time=0.2", "--benchmark-warmup=on",
         "--benchmark-warmup-iterations=100"]


def quick_requested(argv: list[str]) -> bool:
    env = os.environ.get("LEANCORE_BENCH_QUICK", "")
    return "--quick" in argv or (env not in ("", "0")) or os.environ.get("CI") == "true"


def pytest_argv(quick: bool, extra: list[str]) -> list[str]:
    return [
        sys.executable, "-m", "pytest", "bench", "-p", "no:randomly", "-p", "no:cacheprovider",
        "--benchmark-timer=time.process_time",
        f"--benchmark-json={BENCHMARK_JSON}",
        "--benchmark-autosave", f"--benchmark-storage=file://{HISTORY_DIR}",
        "--benchmark-columns=median,iqr,min,rounds",
        # pytest-benchmark warns when a session (e.g. `-k bundle`) has no timing to save; filterwarnings=error
        "-W", "ignore:Not saving anything:pytest_benchmark.logger.PytestBenchmarkWarning",
        *(QUICK if quick else FULL),
        *extra,
    ]


def run(argv: list[str]) -> int:
    quick = quick_requested(argv)
    extra = [a for a in argv if a != "--quick"]
    reset()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    # one run id for every module that reads it (conftest may be imported twice under --import-mode=importlib)
    run_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    env = dict(os.environ, LEANCORE_BENCH_QUICK="1" if quick else "0", LEANCORE_BENCH_RUN=run_id)
    cmd = pytest_argv(quick, extra)
    print(f"bench run ({'quick' if quick else 'full'} profile): {' '.join(cmd[1:])}", flush=True)
    return subprocess.run(cmd, env=env, check=False).returncode

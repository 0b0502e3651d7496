"""Mutation score of core.jwt, core.passwords, core.emails, core.settings and core.initialization (bench/_mutation.py).

mutmut 3.8 (pyproject.toml [tool.mutmut]) mutates those packages and runs, for each mutant, the unit tests and the
compat tests against the reference libraries that reach the mutated function. mutmut over cosmic-ray: it runs
only the tests that reach a mutant (cosmic-ray runs the whole test command per mutant, ~1-2 min of CPU here,
~100 h for all) and forks each mutant's process from the one that collected and ran the suite for its stats (the
root conftest empties core's memo caches before each test under the ``mutation`` profile, so none answers for a
mutated function). Every run starts from an empty ``mutants/``, so each score is measured on
this commit's code and tests, every mutant of every file included. Hypothesis tests run derandomized with at most
the ``mutation`` profile's examples (conftest.py), the same examples for every mutant.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import _mutation
from bench._results import RESULTS_DIR
from bench.conftest import Progress, Record

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"


def test_mutation_score_per_package(record: Record, progress: Progress, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each package's score (detected / (all - equivalent)) is recorded with its undetected mutants listed."""
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent))
    if mutmut is None:
        pytest.fail("mutmut is not installed here: tox -e mutation (or -e budgets) installs it")
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    equivalents = _mutation.load_equivalents()
    shutil.rmtree(MUTANTS, ignore_errors=True)
    workers = os.cpu_count() or 1
    progress(f"mutation: mutmut run over {', '.join(_mutation.PACKAGES)} ({workers} workers; ~35 min on 2 cores)")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    log = RESULTS_DIR / "mutmut.log"
    started = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run([mutmut, "run", "--max-children", str(workers)], cwd=ROOT, stdout=out,
                              stderr=subprocess.STDOUT, check=False, timeout=3600,
                              # no PYTHONPATH to mutants/: with it, mutmut 3.8 records no test as reaching any
                              # function (the tests that start `python -m core.initialization` run the installed
                              # core, so they kill no mutant; its in-process tests do)
                              env=dict(os.environ, HYPOTHESIS_PROFILE="mutation"))
    seconds = time.monotonic() - started
    assert done.returncode == 0, log.read_text(errors="replace")[-4000:]

    found = _mutation.read_statuses(MUTANTS, lambda code: status_by_exit_code[code])
    monkeypatch.chdir(ROOT)  # mutmut reads its config and mutants/ from the working directory

    def change(mutant: str) -> str:
        return _mutation.change_of(get_diff_for_mutant(mutant, path=found[mutant][1]))

    scores = _mutation.score({m: status for m, (status, _) in found.items()}, change, equivalents)
    for package, s in scores.items():
        assert s.total > 0, f"mutmut made no mutant of {package}: check [tool.mutmut] in pyproject.toml"
        record(f"mutation.{package}", s.score, "%", mutants=s.total, detected=s.detected, equivalent=s.equivalent,
               timeouts=s.timeouts, seconds=round(seconds, 1),
               undetected=[{"mutant": m, "status": st, "change": c} for m, st, c in s.undetected])
        progress(f"mutation: {package} {s.score:.1f}% ({s.detected}/{s.total - s.equivalent}, "
                 f"{s.equivalent} equivalent, {len(s.undetected)} undetected)")

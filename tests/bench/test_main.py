"""``python -m bench``'s commands when there is nothing measured yet: they say how to measure, and never measure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m bench ARGS`` with an empty results folder (LEANCORE_BENCH_DIR) and the tree's own bench/."""
    env = {**os.environ, "LEANCORE_BENCH_DIR": str(tmp_path / "results")}
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize("args", [("check",), ("check", "--strict"), ()], ids=["check", "strict", "default"])
def test_check_without_results_fails_with_one_line_saying_how_to_measure(tmp_path: Path, args: tuple[str, ...]) -> None:
    """No results at all: exit 1, nothing on stdout, one stderr line naming `python -m bench run`."""
    result = bench(tmp_path, *args)
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("bench check: no results in ")
    assert "python -m bench run" in line


def test_check_allow_empty_lists_every_budget_pending_and_passes(tmp_path: Path) -> None:
    """--allow-empty shows the budget table with every budget pending and exits 0 (none is broken)."""
    result = bench(tmp_path, "check", "--allow-empty")
    assert result.returncode == 0, result.stderr
    assert "0 within budget, 0 over, 0 over but waived," in result.stdout
    assert "PENDING: " in result.stdout


def test_report_without_results_fails_and_starts_no_measurement(tmp_path: Path) -> None:
    """No results: `report` exits 1 with one line saying how to measure, and writes nothing to the results folder."""
    result = bench(tmp_path, "report")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("bench report: no results in ")
    assert "python -m bench run" in line
    assert not (tmp_path / "results").exists()

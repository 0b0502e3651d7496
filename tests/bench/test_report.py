"""The committed report (docs/benchmarks.md) is what its committed data renders to, and lists exactly budgets.toml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import _report
from bench._results import Measurement
from bench.budgets import Budget, load_budgets

REGENERATE = "regenerate: python -m bench report --committed (or measure anew: tox -e report)"


def data(quick: bool = False, **measured: tuple[float, str]) -> dict[str, Any]:
    """Report data as `python -m bench report` commits it, with the given measurements (id -> (value, unit))."""
    return {
        "run": {"run": "20261201T120000-1", "quick": quick, "cold_runs": 15 if quick else 31,
                "started": 1_796_126_400.0, "seconds": 1200.0, "commit": "0123456789ab"},
        "machine": {"cpu": "Test CPU", "cpu_count": 2, "platform": "Linux-test", "python": "3.11.7",
                    "implementation": "CPython", "pyodide": "314.0.7", "pyodide_python": "3.14.2",
                    "node": "v20.20.2", "loadavg_at_end": [1.0, 0.5, 0.25],
                    "libraries": {"python-jose": "3.5.0", "PyJWT": "2.15.1", "absent": None}},
        "measurements": {mid: {"id": mid, "value": v, "unit": u, "details": {"run": "r"}}
                         for mid, (v, u) in measured.items()},
    }


def test_the_committed_report_lists_every_budget_of_budgets_toml_and_no_other() -> None:
    """Every budget of bench/budgets.toml, with its limit, is a row of the report's budget table; no other row is."""
    missing, stale = _report.budget_drift(_report.REPORT_MD.read_text(encoding="utf-8"), load_budgets())
    assert (missing, stale) == ([], []), f"docs/benchmarks.md is out of step with bench/budgets.toml; {REGENERATE}"


def test_the_committed_report_is_what_its_committed_data_renders_to() -> None:
    """docs/benchmarks.md equals the rendering of docs/benchmarks.json with today's budgets.toml and quoted.toml."""
    expected = _report.render(_report.load_data())
    assert _report.REPORT_MD.read_text(encoding="utf-8") == expected, REGENERATE


def test_the_committed_data_is_in_the_form_the_report_writes() -> None:
    """docs/benchmarks.json is a measured run (commit, date, Pyodide), serialised as `report` serialises it."""
    text = _report.DATA_JSON.read_text(encoding="utf-8")
    loaded = json.loads(text)
    assert _report.dumps(loaded) == text
    assert loaded["run"]["commit"]
    assert loaded["run"]["started"]
    assert loaded["machine"]["pyodide"]
    assert loaded["measurements"], "a report with no measurement"


def test_the_quoting_files_carry_the_figures_block_of_the_committed_data() -> None:
    """README.md and docs/deploy-workers.md quote exactly the Workers block docs/benchmarks.json renders to."""
    for path, block in _report.blocks(_report.load_data()).items():
        text = path.read_text(encoding="utf-8")
        assert _report._workers.extract_block(text) == block, f"{path.name}: {REGENERATE}"


def test_budget_drift_names_a_missing_budget_a_stale_row_and_a_changed_limit() -> None:
    """A declared budget absent from the table, a row no longer declared and a row with an old limit are all named."""
    declared = [Budget("kept", "a", "ms", "r", 1, max=5), Budget("new", "b", "ms", "r", 1, max=5),
                Budget("moved", "c", "x", "r", 1, max=0.5, against="d")]
    results = {"a": {"id": "a", "value": 1.0, "unit": "ms", "details": {}}}
    old = [Budget("kept", "a", "ms", "r", 1, max=5), Budget("gone", "e", "ms", "r", 1, max=5),
           Budget("moved", "c", "x", "r", 1, max=0.75, against="d")]
    md = _report.render({**data(), "measurements": results}, budgets=old, quotes=[])
    missing, stale = _report.budget_drift(md, declared)
    assert missing == ["new (<= 5 ms)", "moved (<= 0.5 x)"]
    assert stale == ["gone (<= 5 ms)", "moved (<= 0.75 x)"]
    assert _report.budget_drift(_report.render({**data(), "measurements": results}, budgets=declared, quotes=[]),
                                declared) == ([], [])


def test_the_heading_gives_date_commit_profile_machine_python_and_pyodide() -> None:
    """The table under the title names the run's date (UTC), commit, profile, CPU, Python, Pyodide and Node."""
    md = _report.render(data(), budgets=[], quotes=[])
    head = md.split("\n## ", 1)[0]
    for expected in ("| date | 2026-12-01 12:00 UTC (run `20261201T120000-1`, 20 min) |",
                     "| commit | `0123456789ab` |", "| profile | full: ", "; 31 fresh processes per cold start |",
                     "Test CPU, 2 logical CPUs, Linux-test; load average at the end 1.0 / 0.5 / 0.25",
                     "| Python | CPython 3.11.7 |", "| Pyodide | 314.0.7 (CPython 3.14.2) under Node v20.20.2 |",
                     "| versions | PyJWT 2.15.1, python-jose 3.5.0 |"):
        assert expected in head


def test_a_quick_run_says_so_in_the_heading_and_in_the_workers_block() -> None:
    """A quick-profile run is named quick where the report states its profile and where the block says when."""
    quick = data(quick=True)
    assert "| profile | **quick** (`LEANCORE_BENCH_QUICK=1`, as CI)" in _report.render(quick, budgets=[], quotes=[])
    assert "quick profile" in _report.measured_on(quick)
    assert "full profile" in _report.measured_on(data())


def test_each_budget_row_shows_our_figure_the_reference_figure_and_the_limit() -> None:
    """A ratio budget's row carries both measurements in their units, the ratio and the limit."""
    budget = Budget("decode vs jose", "jwt.decode.core", "ratio", "r", 1, max=0.35, against="jwt.decode.jose")
    md = _report.render(data(**{"jwt.decode.core": (7e-6, "s"), "jwt.decode.jose": (35e-6, "s")}), [budget], [])
    row = "| **pass** | decode vs jose | `jwt.decode.core` 7 µs | `jwt.decode.jose` 35 µs | 0.2 ratio | <= 0.35 ratio |"
    assert row in md.splitlines()


def test_the_same_data_renders_to_the_same_text_whichever_path_it_took() -> None:
    """Rendering from a run's results or from their committed JSON gives the same text (no clock, no machine state)."""
    run = data(**{"import.core.all": (12.5, "ms"), "bundle.wheel": (2.4e5, "B")})
    committed = json.loads(_report.dumps(run))
    assert _report.render(run, quotes=[]) == _report.render(committed, quotes=[])
    assert list(_report.measurements(committed)) == ["bundle.wheel", "import.core.all"]
    assert isinstance(_report.measurements(committed)["bundle.wheel"], Measurement)


def test_write_stops_before_writing_anything_when_a_quoting_file_lost_its_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quoting file without the markers raises BlockError and leaves the report, data and charts unwritten."""
    quoting = tmp_path / "README.md"
    quoting.write_text("no markers here\n")
    for name, value in (("DATA_JSON", tmp_path / "b.json"), ("REPORT_MD", tmp_path / "b.md"),
                        ("CHARTS_DIR", tmp_path / "charts"), ("QUOTING", {quoting: "b.md"})):
        monkeypatch.setattr(_report, name, value)
    with pytest.raises(_report._workers.BlockError):
        _report.write(data())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]

"""The budget gate: broken budgets fail and are named, missing ones are pending, ratios come from one run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from bench import _results, budgets
from bench._bundle import workers_requirements
from bench._resolve import NATIVE, PYODIDE, _wanted
from bench._results import Measurement
from bench.budgets import Budget, check, evaluate, format_table, summary

RUN = "run-1"


def m(mid: str, value: float, unit: str = "ms", run: str = RUN) -> Measurement:
    return Measurement(mid, value, unit, {"run": run})


ABSOLUTE = Budget("upload", "bundle.upload.zip", "MB", "free plan", 8, max=3, scale=1e-6)
RATIO = Budget("import vs trio", "import.core.all", "x", "faster", 8, max=0.5, against="import.heavy_trio")
THROUGHPUT = Budget("health rps", "api.rps.ours", "x", "not slower", 6, min=0.85, against="api.rps.bare")


def test_an_absolute_budget_within_its_limit_passes_after_scaling() -> None:
    """2.5e6 bytes against a 3 MB budget with scale 1e-6 passes with the scaled value."""
    verdict = evaluate(ABSOLUTE, {"bundle.upload.zip": m("bundle.upload.zip", 2.5e6, "B")})
    assert (verdict.status, verdict.value) == ("pass", pytest.approx(2.5))


def test_a_broken_budget_fails_and_the_gate_names_it_with_value_and_limit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An upload over 3 MB makes `python -m bench check` exit 1 naming the budget, measured value and limit."""
    monkeypatch.setattr(budgets, "load_all", lambda: {"bundle.upload.zip": m("bundle.upload.zip", 4.2e6, "B")})
    monkeypatch.setattr(budgets, "load_budgets", lambda: [ABSOLUTE])
    assert budgets.main() == 1
    out = capsys.readouterr().out
    assert "FAIL" in out
    assert "OVER BUDGET: upload: measured 4.2 MB, limit <= 3 MB" in out


def test_a_budget_without_its_measurement_is_pending_listed_and_never_passed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing measurement gives status pending, a PENDING line naming it, and no pass in the counts."""
    monkeypatch.setattr(budgets, "load_all", dict)
    monkeypatch.setattr(budgets, "load_budgets", lambda: [ABSOLUTE, RATIO])
    assert budgets.main() == 0
    out = capsys.readouterr().out
    assert "0 within budget, 0 over, 0 over but waived, 2 pending" in out
    assert "PENDING: upload (not measured: bundle.upload.zip; issue 8)" in out
    assert "PENDING: import vs trio (not measured: import.core.all, import.heavy_trio; issue 8)" in out


WAIVED = Budget("startup", "workers.start", "ms", "1 s limit", 7, max=1000, waived="known miss, issue 7")


def test_a_waived_budget_over_its_limit_is_named_but_does_not_fail_the_gate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A waived budget over its limit shows as WAIVED with value, limit and reason; only real failures exit 1."""
    monkeypatch.setattr(budgets, "load_all", lambda: {"workers.start": m("workers.start", 1200)})
    monkeypatch.setattr(budgets, "load_budgets", lambda: [WAIVED])
    assert budgets.main() == 0
    out = capsys.readouterr().out
    assert "0 within budget, 0 over, 1 over but waived, 0 pending" in out
    assert "WAIVED OVER BUDGET: startup: measured 1.2e+03 ms, limit <= 1000 ms; waived: known miss, issue 7" in out
    monkeypatch.setattr(budgets, "load_budgets", lambda: [WAIVED, ABSOLUTE])
    monkeypatch.setattr(budgets, "load_all", lambda: {"workers.start": m("workers.start", 1200),
                                                      "bundle.upload.zip": m("bundle.upload.zip", 4.2e6, "B")})
    assert budgets.main() == 1


def test_a_waived_budget_within_its_limit_passes_and_says_the_waiver_can_go() -> None:
    """Back within its limit, a waived budget passes and its verdict says the waiver is no longer needed."""
    verdicts = check({"workers.start": m("workers.start", 900)}, [WAIVED])
    assert verdicts[0].status == "pass"
    assert "WAIVER NO LONGER NEEDED: startup" in summary(verdicts)


def test_a_ratio_is_the_quotient_of_two_measurements_of_the_same_run() -> None:
    """import.core.all / import.heavy_trio = 12 / 120 = 0.1, within a 0.5 budget."""
    verdict = evaluate(RATIO, {"import.core.all": m("import.core.all", 12), "import.heavy_trio": m("x", 120)})
    assert (verdict.status, verdict.value) == ("pass", pytest.approx(0.1))
    assert verdict.detail == "12 / 120 ms"


def test_a_ratio_over_its_limit_fails() -> None:
    """A core import at 0.75x the trio breaks a 0.5x budget."""
    verdict = evaluate(RATIO, {"import.core.all": m("a", 90), "import.heavy_trio": m("b", 120)})
    assert (verdict.status, verdict.value) == ("FAIL", pytest.approx(0.75))


def test_a_ratio_across_two_runs_is_pending_not_compared() -> None:
    """Two sides measured in different runs are not divided: the budget stays pending."""
    verdict = evaluate(RATIO, {"import.core.all": m("a", 12), "import.heavy_trio": m("b", 120, run="run-2")})
    assert verdict.status == "pending"
    assert "different runs" in verdict.detail


def test_a_minimum_budget_fails_below_and_passes_at_its_floor() -> None:
    """A throughput ratio of 0.8 breaks a >= 0.85 budget; 0.85 exactly passes."""
    low = evaluate(THROUGHPUT, {"api.rps.ours": m("a", 800, "rps"), "api.rps.bare": m("b", 1000, "rps")})
    at = evaluate(THROUGHPUT, {"api.rps.ours": m("a", 850, "rps"), "api.rps.bare": m("b", 1000, "rps")})
    assert (low.status, at.status) == ("FAIL", "pass")
    assert ">= 0.85 x" in format_table([low])


def test_ratio_units_must_match() -> None:
    """Dividing milliseconds by seconds is refused rather than reported."""
    with pytest.raises(ValueError, match="ms vs s"):
        evaluate(RATIO, {"import.core.all": m("a", 12), "import.heavy_trio": m("b", 0.1, "s")})


def test_a_budget_declares_exactly_one_limit() -> None:
    """Neither or both of max/min is a declaration error."""
    with pytest.raises(ValueError, match="exactly one"):
        Budget("x", "y", "ms", "r", 8)
    with pytest.raises(ValueError, match="exactly one"):
        Budget("x", "y", "ms", "r", 8, max=1, min=0)


def test_the_declared_budgets_load_and_have_unique_names() -> None:
    """bench/budgets.toml parses into valid budgets, one name each, each citing an issue and a reason."""
    declared = budgets.load_budgets()
    assert len({b.name for b in declared}) == len(declared)
    assert all(b.reason and b.issue > 0 for b in declared)
    assert [v.status for v in check({}, declared)] == ["pending"] * len(declared)


def test_benchmark_json_yields_medians_with_their_run(tmp_path: Path) -> None:
    """pytest-benchmark's JSON is reduced to the median of each benchmark that carries an id, keeping its run id."""
    data = {"benchmarks": [
        {"extra_info": {"id": "jwt.decode.core", "run": RUN},
         "stats": {"median": 7e-6, "rounds": 100, "iqr": 1e-7, "min": 6e-6, "ops": 140000.0}},
        {"extra_info": {}, "stats": {"median": 1.0, "rounds": 1, "iqr": 0, "min": 1, "ops": 1}},
    ]}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    loaded = _results.load_benchmarks(path)
    assert list(loaded) == ["jwt.decode.core"]
    assert (loaded["jwt.decode.core"].value, loaded["jwt.decode.core"].details["run"]) == (7e-6, RUN)


def test_summary_lists_failures_before_pendings() -> None:
    """The closing lines give the counts, then each broken budget, then each pending one."""
    verdicts = check({"bundle.upload.zip": m("u", 5e6, "B")}, [ABSOLUTE, RATIO])
    lines = summary(verdicts).splitlines()
    assert lines[0] == "0 within budget, 1 over, 0 over but waived, 1 pending"
    assert lines[1].startswith("OVER BUDGET: upload")
    assert lines[2].startswith("PENDING: import vs trio")


def test_markers_are_evaluated_for_the_target_not_the_running_interpreter() -> None:
    """SQLAlchemy's greenlet requirement applies on x86_64 Linux but not on Pyodide's wasm32."""
    greenlet = Requirement('greenlet>=1; platform_machine == "x86_64" or platform_machine == "aarch64"')
    assert (_wanted(greenlet, NATIVE, set()), _wanted(greenlet, PYODIDE, set())) == (True, False)
    bcrypt = Requirement('bcrypt>=3.1.0; extra == "bcrypt"')
    assert (_wanted(bcrypt, PYODIDE, set()), _wanted(bcrypt, PYODIDE, {"bcrypt"})) == (False, True)


def test_workers_requirements_prefer_a_workers_extra_and_drop_the_server(tmp_path: Path) -> None:
    """Without a `workers` extra the api extra is used minus uvicorn; with one, that extra is used."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\ndependencies = []\n[project.optional-dependencies]\n'
                         'api = ["fastapi>=0.115", "uvicorn>=0.30"]\n')
    assert workers_requirements(pyproject) == (["fastapi>=0.115"],
                                               "[project.optional-dependencies] api minus uvicorn")
    pyproject.write_text('[project]\ndependencies = ["x"]\n[project.optional-dependencies]\nworkers = ["y"]\n')
    assert workers_requirements(pyproject) == (["x", "y"], "[project.optional-dependencies] workers")

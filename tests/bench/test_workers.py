"""The Workers figures block: login CPU against both plans' limits, startup against its budget, between markers."""

from __future__ import annotations

import pytest

from bench import _workers
from bench._results import Measurement
from bench.budgets import Budget, check

STARTUP = Budget("startup", _workers.SNAPSHOT, "ms", "1 s", 7, max=1000)


def results(pbkdf2: float, bcrypt: float, snapshot: float) -> dict[str, Measurement]:
    return {mid: Measurement(mid, value, "ms", {"run": "r"}) for mid, value in (
        ("workers.login.pbkdf2_600k", pbkdf2), ("workers.login.bcrypt_cost10", bcrypt), (_workers.SNAPSHOT, snapshot))}


def block(measured: dict[str, Measurement], budget: Budget = STARTUP) -> str:
    return _workers.figures_block(measured, check(measured, [budget]), "2026-12-01 on commit `abc`", "x/benchmarks.md")


def test_logins_over_10_ms_lead_with_no_login_fitting_the_free_plan() -> None:
    """Both logins over 10 ms: the block opens by saying no login fits the free plan, and marks each row."""
    text = block(results(578.0, 7277.0, 755.0))
    lines = text.splitlines()
    assert lines[0] == _workers.BEGIN
    assert lines[-1] == _workers.END
    assert lines[1].startswith("**No login fits the free plan's 10 ms of CPU per request**")
    assert "| **578 ms** | **does not fit** | fits |" in text
    assert "| **7,277 ms** | **does not fit** | fits |" in text
    assert "**755 ms** against Workers' startup limit of 1,000 ms on every plan (within it)." in text
    assert "Measured 2026-12-01 on commit `abc`" in text
    assert "[benchmarks.md](x/benchmarks.md#workers-inside-pyodide-314)" in text


def test_a_login_within_10_ms_drops_the_claim_and_one_over_30_s_does_not_fit_the_paid_plan() -> None:
    """The lead and the columns follow the figures: no claim when one login fits; over 30 s does not fit paid."""
    text = block(results(8.0, 31_000.0, 1200.0))
    assert "No login fits" not in text
    assert "| **8 ms** | fits | fits |" in text
    assert "| **31,000 ms** | **does not fit** | **does not fit** |" in text
    assert "(**over it**)." in text


def test_a_waived_startup_budget_over_its_limit_is_called_a_known_miss() -> None:
    """Over a waived startup budget the block says so and where the waiver is."""
    waived = Budget("startup", _workers.SNAPSHOT, "ms", "1 s", 7, max=1000, waived="known")
    assert "(over it: a known miss, waived in bench/budgets.toml)." in block(results(578.0, 7277.0, 1250.0), waived)


def test_missing_figures_are_said_to_be_missing() -> None:
    """No Workers measurement: each login row and the startup sentence say not measured."""
    text = _workers.figures_block({}, [], "today", "benchmarks.md")
    assert text.count("| not measured |") == 2
    assert "Startup from the memory snapshot: not measured in this run." in text


def test_replace_block_swaps_only_the_marked_part() -> None:
    """The text around the markers is kept; the markers and what they enclose become the new block."""
    text = f"before\n{_workers.BEGIN}\nold figures\n{_workers.END}\nafter\n"
    new = f"{_workers.BEGIN}\nnew figures\n{_workers.END}"
    replaced = _workers.replace_block(text, new)
    assert replaced == f"before\n{new}\nafter\n"
    assert _workers.extract_block(replaced) == new


@pytest.mark.parametrize("text", ["no markers\n", f"{_workers.END}\n{_workers.BEGIN}\n",
                                  f"{_workers.BEGIN}\n{_workers.END}\n{_workers.BEGIN}\n{_workers.END}\n"],
                         ids=["none", "reversed", "twice"])
def test_replace_block_refuses_missing_reversed_or_repeated_markers(text: str) -> None:
    """A file must carry exactly one BEGIN line followed by one END line, or nothing is replaced."""
    with pytest.raises(_workers.BlockError):
        _workers.replace_block(text, "x")

"""Declared budgets (``bench/budgets.toml``) checked against the measurements of one run.

A budget is either a ratio of two measurements taken in the same run (``measure`` / ``against``) or an absolute
limit on one measurement (a platform fact such as Workers' 1 s startup CPU). A budget whose measurement is
missing is *pending*: shown, never counted as passed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import tomllib

from bench._results import Measurement, load_all

BUDGETS_TOML = Path(__file__).resolve().parent / "budgets.toml"


@dataclass(frozen=True)
class Budget:
    name: str
    measure: str
    max: float
    unit: str
    reason: str
    issue: int
    against: str | None = None
    # multiply the measured value into the budget's unit (e.g. 1000 for seconds -> ms)
    scale: float = 1.0


@dataclass(frozen=True)
class Verdict:
    budget: Budget
    value: float | None
    status: str  # "pass" | "FAIL" | "pending"
    detail: str


def load_budgets(path: Path = BUDGETS_TOML) -> list[Budget]:
    data = tomllib.loads(path.read_text())
    return [Budget(**entry) for entry in data["budget"]]


def evaluate(budget: Budget, results: dict[str, Measurement]) -> Verdict:
    subject = results.get(budget.measure)
    reference = results.get(budget.against) if budget.against else None
    missing = [m for m in (budget.measure, budget.against) if m and m not in results]
    if missing:
        return Verdict(budget, None, "pending", "not measured: " + ", ".join(missing))
    assert subject is not None
    if reference is not None:
        if reference.unit != subject.unit:
            raise ValueError(f"{budget.name}: {subject.unit} vs {reference.unit}")
        value = subject.value / reference.value
        detail = f"{subject.value:.6g} / {reference.value:.6g} {subject.unit}"
    else:
        value = subject.value * budget.scale
        detail = f"{subject.value:.6g} {subject.unit}"
    return Verdict(budget, value, "pass" if value <= budget.max else "FAIL", detail)


def check(results: dict[str, Measurement] | None = None) -> list[Verdict]:
    results = load_all() if results is None else results
    return [evaluate(b, results) for b in load_budgets()]


def format_table(verdicts: list[Verdict]) -> str:
    rows = [("status", "budget", "measured", "limit", "from")]
    for v in verdicts:
        measured = "-" if v.value is None else f"{v.value:.3g} {v.budget.unit}"
        rows.append((v.status, v.budget.name, measured, f"<= {v.budget.max:g} {v.budget.unit}", v.detail))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows)


def main() -> int:
    verdicts = check()
    print(format_table(verdicts))
    failed = [v for v in verdicts if v.status == "FAIL"]
    pending = [v for v in verdicts if v.status == "pending"]
    print(f"\n{len(verdicts) - len(failed) - len(pending)} within budget, {len(failed)} over, {len(pending)} pending")
    for v in failed:
        print(f"OVER BUDGET: {v.budget.name}: {v.value:.3g} {v.budget.unit} > {v.budget.max:g} ({v.budget.reason})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

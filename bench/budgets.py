"""Declared budgets (``bench/budgets.toml``) checked against the measurements of one run.

A budget is either a ratio of two measurements taken in the same run (``measure`` / ``against``) or an absolute
limit on one measurement (a platform fact such as Workers' 1 s startup CPU). The limit is an upper bound (``max``)
or, for throughputs, a lower bound (``min``). A budget whose measurement is missing is *pending*: shown, never
counted as passed; so is a ratio whose two sides carry different run ids (never compare across runs).

A budget may carry a ``waived`` reason: a known, documented miss tracked in an open issue. Over its limit it shows as
``WAIVED`` (named with value, limit and reason in every gate run and report) instead of failing the gate; within
its limit it passes and the gate says the waiver can go. A waiver never hides a figure, it only stops one known
miss from blocking every other change.
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
    unit: str
    reason: str
    issue: int
    max: float | None = None
    min: float | None = None
    against: str | None = None
    # multiply the measured value into the budget's unit (e.g. 1000 for seconds -> ms)
    scale: float = 1.0
    # why a miss of this budget is known and accepted for now (and where it is tracked); see the module docstring
    waived: str | None = None

    def __post_init__(self) -> None:
        if (self.max is None) == (self.min is None):
            raise ValueError(f"budget {self.name!r}: give exactly one of max, min")

    @property
    def limit(self) -> str:
        return f"<= {self.max:g}" if self.max is not None else f">= {self.min:g}"

    def within(self, value: float) -> bool:
        return value <= self.max if self.max is not None else value >= self.min  # type: ignore[operator]


@dataclass(frozen=True)
class Verdict:
    budget: Budget
    value: float | None
    status: str  # "pass" | "FAIL" | "WAIVED" | "pending"
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
        runs = (subject.details.get("run"), reference.details.get("run"))
        if runs[0] != runs[1]:
            return Verdict(budget, None, "pending", f"not comparable: measured in different runs {runs[0]} / {runs[1]}")
        if reference.value <= 0:
            return Verdict(budget, None, "FAIL", f"reference {budget.against} measured {reference.value:.6g}")
        value = subject.value / reference.value
        detail = f"{subject.value:.6g} / {reference.value:.6g} {subject.unit}"
    else:
        value = subject.value * budget.scale
        detail = f"{subject.value:.6g} {subject.unit}"
    if budget.within(value):
        return Verdict(budget, value, "pass", detail + (" (waiver no longer needed)" if budget.waived else ""))
    return Verdict(budget, value, "WAIVED" if budget.waived else "FAIL", detail)


def check(results: dict[str, Measurement] | None = None, budgets: list[Budget] | None = None) -> list[Verdict]:
    results = load_all() if results is None else results
    return [evaluate(b, results) for b in (load_budgets() if budgets is None else budgets)]


def format_table(verdicts: list[Verdict]) -> str:
    rows = [("status", "budget", "measured", "limit", "from")]
    for v in verdicts:
        measured = "-" if v.value is None else f"{v.value:.3g} {v.budget.unit}"
        rows.append((v.status, v.budget.name, measured, f"{v.budget.limit} {v.budget.unit}", v.detail))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows)


def summary(verdicts: list[Verdict]) -> str:
    """The closing lines: counts, then every broken budget and every pending one by name."""
    failed = [v for v in verdicts if v.status == "FAIL"]
    waived = [v for v in verdicts if v.status == "WAIVED"]
    pending = [v for v in verdicts if v.status == "pending"]
    passed = len(verdicts) - len(failed) - len(waived) - len(pending)
    lines = [f"{passed} within budget, {len(failed)} over, {len(waived)} over but waived, {len(pending)} pending"]
    for v in failed:
        measured = "-" if v.value is None else f"{v.value:.3g}"
        lines.append(f"OVER BUDGET: {v.budget.name}: measured {measured} {v.budget.unit}, "
                     f"limit {v.budget.limit} {v.budget.unit} ({v.budget.reason})")
    for v in waived:
        lines.append(f"WAIVED OVER BUDGET: {v.budget.name}: measured {v.value:.3g} {v.budget.unit}, "
                     f"limit {v.budget.limit} {v.budget.unit}; waived: {v.budget.waived}")
    lines.extend(f"WAIVER NO LONGER NEEDED: {v.budget.name}" for v in verdicts
                 if v.status == "pass" and v.budget.waived)
    lines.extend(f"PENDING: {v.budget.name} ({v.detail}; issue {v.budget.issue})" for v in pending)
    return "\n".join(lines)


def main() -> int:
    verdicts = check()
    print(format_table(verdicts))
    print()
    print(summary(verdicts))
    return 1 if any(v.status == "FAIL" for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())

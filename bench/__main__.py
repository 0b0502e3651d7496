"""``python -m bench run|check|report``: measure, gate on bench/budgets.toml, write the committed report.

- ``run [--quick] [pytest args]``: one pytest session over bench/ (bench/_runner.py);
- ``check [--strict] [--allow-empty]``: the budget table; exit 1 if a budget is broken (``--strict``: also if one
  is pending), or if there are no results at all (``--allow-empty``: show every budget pending instead);
- ``report``: write docs/benchmarks.md, docs/benchmarks.json, docs/benchmarks/*.svg and the Workers figures in
  README.md and docs/deploy-workers.md from the last run's results (bench/_report.py); with none, exit 1 saying how
  to measure (it never starts a measurement itself: a full run takes many minutes). ``report --committed``: the same
  files from docs/benchmarks.json, measuring nothing.
"""

from __future__ import annotations

import sys

from bench import _report, budgets
from bench._results import RESULTS_DIR, load_all
from bench._runner import run
from bench._workers import BlockError

USAGE = "usage: python -m bench run [--quick] [pytest args] | check [--strict] [--allow-empty] | report [--committed]"
HOW_TO_MEASURE = "measure first: python -m bench run [--quick] (or tox -e budgets / tox -e report)"


def report(rest: list[str]) -> int:
    if "--committed" in rest:
        data = _report.load_data()
    elif load_all():
        data = _report.snapshot()
    else:
        print(f"bench report: no results in {RESULTS_DIR}; {HOW_TO_MEASURE}", file=sys.stderr)
        return 1
    try:
        written = _report.write(data)
    except BlockError as exc:
        print(f"bench report: {exc}", file=sys.stderr)
        return 1
    for line in _report.verify_quotes(_report.load_quotes()):
        print(f"bench report: {line}")
    root = _report.ROOT
    print("bench report: wrote " + ", ".join(str(p.relative_to(root)) for p in written))
    return 0


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("check", [])
    if command == "run":
        return run(rest)
    if command == "check":
        if not load_all() and "--allow-empty" not in rest:
            print(f"bench check: no results in {RESULTS_DIR}; {HOW_TO_MEASURE}", file=sys.stderr)
            return 1
        code = budgets.main()
        if "--strict" in rest and any(v.status == "pending" for v in budgets.check()):
            return 1
        return code
    if command == "report":
        return report(rest)
    print(f"{USAGE} (unknown command {command!r})", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

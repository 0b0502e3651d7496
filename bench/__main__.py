"""``python -m bench run|check|report``: measure, gate on bench/budgets.toml, write bench/report/.

- ``run [--quick] [pytest args]``: one pytest session over bench/ (bench/_runner.py);
- ``check [--strict] [--allow-empty]``: the budget table; exit 1 if a budget is broken (``--strict``: also if one
  is pending), or if there are no results at all (``--allow-empty``: show every budget pending instead);
- ``report``: write bench/report/ from the last run's results; with none, exit 1 saying how to measure (it never
  starts a measurement itself: a full run takes many minutes).
"""

from __future__ import annotations

import sys

from bench import _report, budgets
from bench._results import RESULTS_DIR, load_all
from bench._runner import run

USAGE = "usage: python -m bench run [--quick] [pytest args] | check [--strict] [--allow-empty] | report"
HOW_TO_MEASURE = "measure first: python -m bench run [--quick] (or tox -e budgets / tox -e report)"


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
        if not load_all():
            print(f"bench report: no results in {RESULTS_DIR}; {HOW_TO_MEASURE}", file=sys.stderr)
            return 1
        out = _report.write()
        print(f"bench report: wrote {out}/report.md, results.json and charts")
        return 0
    print(f"{USAGE} (unknown command {command!r})", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""``python -m bench run|check|report``: measure, gate on bench/budgets.toml, write bench/report/.

- ``run [--quick] [pytest args]``: one pytest session over bench/ (bench/_runner.py);
- ``check [--strict]``: the budget table; exit 1 if a budget is broken (``--strict``: also if one is pending);
- ``report [--quick]``: write bench/report/ from the last run's results, measuring first if there are none.
"""

from __future__ import annotations

import sys

from bench import _report, budgets
from bench._results import load_all
from bench._runner import run

USAGE = "usage: python -m bench run [--quick] [pytest args] | check [--strict] | report [--quick]"


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("check", [])
    if command == "run":
        return run(rest)
    if command == "check":
        code = budgets.main()
        if "--strict" in rest and any(v.status == "pending" for v in budgets.check()):
            return 1
        return code
    if command == "report":
        if not load_all():
            print("bench report: no results in .bench/ yet, measuring first (python -m bench run)", flush=True)
            code = run(rest)
            if code != 0:
                return code
        out = _report.write()
        print(f"bench report: wrote {out}/report.md, results.json and charts")
        return 0
    print(f"{USAGE} (unknown command {command!r})", file=sys.stderr)
    return 2


sys.exit(main(sys.argv[1:]))

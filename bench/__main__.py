"""``python -m bench check``: compare the last run's measurements with ``bench/budgets.toml``."""

from __future__ import annotations

import sys

from bench import budgets


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "check":
        return budgets.main()
    print(f"usage: python -m bench check (unknown command {command!r})", file=sys.stderr)
    return 2


sys.exit(main(sys.argv[1:]))

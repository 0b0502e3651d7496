"""``python -m core.initialization``: initialise the database named by the environment, print the JSON report.

Exit status: 0 when the report is ok, 1 when a step failed (unreachable database, failed migration), 2 when the
settings are invalid (the report then has one failed ``settings`` step).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from collections.abc import Sequence

from core.initialization._initialize import _now_iso, initialize
from core.initialization._report import FAILED, InitializationReport, StepResult
from core.settings import Settings, SettingsError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.initialization",
        description="Apply pending migrations, create the super admin, seed site settings; print a JSON report.",
    )
    parser.add_argument("--database-url", help="use this database instead of DATABASE_URL")
    parser.add_argument("--indent", type=int, default=2, help="JSON indentation (default 2; 0 for one line)")
    args = parser.parse_args(argv)
    indent = args.indent or None
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        report = InitializationReport(None, _now_iso())
        report.add(StepResult("settings", FAILED, str(exc)))
        print(report.to_json(indent=indent))
        return 2
    if args.database_url:
        settings = dataclasses.replace(settings, database_url=args.database_url)
    report = asyncio.run(initialize(settings))
    print(report.to_json(indent=indent))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

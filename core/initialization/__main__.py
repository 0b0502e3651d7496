"""``python -m core.initialization``: initialise the database named by the environment and say how it went.

On a terminal it prints a human-readable summary (one line per step, each error once); with ``--json``, or when
stdout is not a terminal (piped, redirected, CI), the JSON report.

Exit status: 0 when the report is ok, 1 when a step failed (unreachable database, failed migration), 2 when the
settings are invalid (the JSON report then has one failed ``settings`` step).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from core.db import now_text
from core.initialization._initialize import initialize
from core.initialization._report import FAILED, InitializationReport, StepResult
from core.settings import Settings, SettingsError


def summary(report: InitializationReport) -> str:
    """The report for a person: what ran, each error once, then one closing line."""
    database = report.database_type or "unknown database"
    lines = [f"leancore initialisation ({database}):"]
    lines.extend(f"  {step.status:<8} {step.name}: {step.detail}" for step in report.steps)
    # report.errors repeats each failed step as "name: detail"; only errors no step shows are added here
    shown = {f"{step.name}: {step.detail}" for step in report.steps if step.status == FAILED}
    lines.extend(f"  error    {error}" for error in report.errors if error not in shown)
    if report.ok:
        change = "changes applied" if report.changed else "nothing to do, already initialised"
        lines.append(f"ok: schema version {report.schema_version}, {change}")
    else:
        count = len(report.errors)
        lines.append(f"FAILED: {count} error{'s' if count != 1 else ''}; the database is not fully initialised")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.initialization",
        description="Apply pending migrations, create the super admin, seed site settings; report what was done.",
    )
    parser.add_argument("--database-url", help="use this database instead of DATABASE_URL")
    parser.add_argument("--json", action="store_true",
                        help="print the JSON report (the default when stdout is not a terminal)")
    parser.add_argument("--indent", type=int, default=2, help="JSON indentation (default 2; 0 for one line)")
    args = parser.parse_args(argv)
    as_json = args.json or not sys.stdout.isatty()
    indent = args.indent or None
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        if not as_json:
            print("leancore initialisation: the settings are invalid:")
            print("\n".join(f"  - {problem}" for problem in exc.problems))
            return 2
        report = InitializationReport(None, now_text())
        report.add(StepResult("settings", FAILED, str(exc)))
        print(report.to_json(indent=indent))
        return 2
    if args.database_url:
        settings = settings.replace(database_url=args.database_url)
    report = asyncio.run(initialize(settings))
    print(report.to_json(indent=indent) if as_json else summary(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

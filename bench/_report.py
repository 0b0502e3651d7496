"""``python -m bench report``: the committed benchmark report, docs/benchmarks.md, from one run's results.

What is written (all generated, all committed, none edited by hand):
- docs/benchmarks.json: the run's measurements, machine and versions, copied from .bench/ (the data);
- docs/benchmarks.md: every budget beside our figure and the reference's, then each section, rendered from that data
  with the current bench/budgets.toml and bench/quoted.toml;
- docs/benchmarks/*.svg: the charts, byte-identical whenever the data is (bench/_charts.py);
- the Workers figures block in README.md and docs/deploy-workers.md (bench/_workers.py).

``report --committed`` renders the same files again from docs/benchmarks.json, measuring nothing (after a change
to budgets.toml or to this renderer). tests/bench/test_report.py fails when any of them is out of step.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import tomllib

from bench import _tables, _workers
from bench._results import Measurement, load_all, load_run_info
from bench.budgets import Budget, check, load_budgets

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOCS = ROOT / "docs"
REPORT_MD = DOCS / "benchmarks.md"
DATA_JSON = DOCS / "benchmarks.json"
CHARTS_DIR = DOCS / "benchmarks"
# Files quoting the Workers figures, and the path from each to the report (for its link).
QUOTING = {ROOT / "README.md": "docs/benchmarks.md", DOCS / "deploy-workers.md": "benchmarks.md"}
QUOTED_TOML = HERE / "quoted.toml"
# The charts bench/_charts.py draws, in the report's order (named here: rendering the text needs no matplotlib).
CHARTS = ("budgets", "timings", "coldstart", "upload")

PROFILES = {
    False: "full: pytest-benchmark at least 10 rounds and up to 1 s per timing, legacy bcrypt measured at cost 10",
    True: "**quick** (`LEANCORE_BENCH_QUICK=1`, as CI): pytest-benchmark at least 5 rounds and up to 0.2 s per timing, "
          "fewer Pyodide samples, legacy bcrypt measured at cost 8 and scaled x4; every budget is measured, the "
          "figures are noisier than the full profile's",
}


def load_quotes(path: Path = QUOTED_TOML) -> list[dict[str, Any]]:
    quotes: list[dict[str, Any]] = tomllib.loads(path.read_text())["quote"]
    return quotes


def verify_quotes(quotes: list[dict[str, Any]]) -> list[str]:
    """Whether each quoted string is still in its source, when the original system's write-up sits beside the
    clone (printed by ``python -m bench report``, not written: the answer depends on the machine)."""
    candidates = [Path(os.environ["LEANCORE_SHARED_DIR"])] if "LEANCORE_SHARED_DIR" in os.environ else []
    candidates += [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    lines = []
    for q in quotes:
        state = "source not available"
        for shared in candidates:
            source = shared / q["source"]
            if source.exists():
                found = q["quote"] in source.read_text(encoding="utf-8", errors="replace")
                state = "verified in source" if found else "NOT FOUND in source"
                break
        lines.append(f"quoted {q['id']}: {state}")
    return lines


def snapshot() -> dict[str, Any]:
    """The last run's results (.bench/) as the committed data: run, machine, measurements, keys sorted."""
    run = load_run_info()
    return {
        "run": {k: v for k, v in run.items() if k != "machine"},
        "machine": run.get("machine", {}),
        "measurements": {k: asdict(m) for k, m in sorted(load_all().items())},
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def load_data(path: Path = DATA_JSON) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def measurements(data: dict[str, Any]) -> dict[str, Measurement]:
    return {k: Measurement(**v) for k, v in sorted(data["measurements"].items())}


def measured_on(data: dict[str, Any]) -> str:
    """When, what and where, in one phrase: the block in README.md / deploy-workers.md quotes it."""
    run, machine = data["run"], data["machine"]
    started = run.get("started")
    date = "?" if started is None else time.strftime("%Y-%m-%d", time.gmtime(started))
    return (f"{date} on commit `{run.get('commit') or '?'}`, Pyodide {machine.get('pyodide') or '?'} under Node "
            f"{machine.get('node') or '?'}, {'quick' if run.get('quick') else 'full'} profile")


def header(data: dict[str, Any]) -> list[str]:
    run, machine = data["run"], data["machine"]
    started = run.get("started")
    when = "?" if started is None else time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    minutes = f", {run['seconds'] / 60:,.0f} min" if "seconds" in run else ""
    load = machine.get("loadavg_at_end")
    versions = sorted(machine.get("libraries", {}).items(), key=lambda kv: kv[0].lower())
    libraries = ", ".join(f"{k} {v}" for k, v in versions if v)
    rows = [
        ["date", f"{when} (run `{run.get('run', '?')}`{minutes})"],
        ["commit", f"`{run.get('commit') or '?'}`"],
        ["profile", PROFILES[bool(run.get("quick"))] + f"; {run.get('cold_runs', '?')} fresh processes per cold start"],
        ["machine", f"{machine.get('cpu', '?')}, {machine.get('cpu_count', '?')} logical CPUs, "
                    f"{machine.get('platform', '?')}" + ("" if not load else
                                                         f"; load average at the end {' / '.join(map(str, load))}")],
        ["Python", f"{machine.get('implementation', '?')} {machine.get('python', '?')}"],
        ["Pyodide", f"{machine.get('pyodide') or '?'} (CPython {machine.get('pyodide_python') or '?'}) under Node "
                    f"{machine.get('node') or '?'}"],
        ["versions", libraries or "?"],
    ]
    return _tables.table(["measured", ""], rows)


def render(data: dict[str, Any], budgets: list[Budget] | None = None,
           quotes: list[dict[str, Any]] | None = None) -> str:
    """docs/benchmarks.md from the data, the budgets (default: budgets.toml) and the quoted figures."""
    results = measurements(data)
    verdicts = check(results, load_budgets() if budgets is None else budgets)
    quotes = load_quotes() if quotes is None else quotes
    counts = {s: sum(v.status == s for v in verdicts) for s in ("pass", "FAIL", "WAIVED", "pending")}
    md = [
        "# leancore benchmarks",
        "",
        "Generated by `python -m bench report` from the measurements in [benchmarks.json](benchmarks.json); do not "
        "edit: `tox -e report` measures and regenerates this page, its charts and the Workers figures in README.md "
        "and deploy-workers.md; `python -m bench report --committed` regenerates them from benchmarks.json alone. "
        "Timings are CPU time (`time.process_time`), medians; cold starts are fresh processes, CPU of the child. "
        "Figures marked QUOTED come from the original system's write-up (bench/quoted.toml), not from a measurement.",
        "",
        *header(data),
        "",
        f"**Budgets: {counts['pass']} pass, {counts['FAIL']} fail, {counts['WAIVED']} over but waived (known misses), "
        f"{counts['pending']} pending.**",
        "",
        "## Budgets",
        "",
        "One row per budget of [bench/budgets.toml](../bench/budgets.toml), in its order, where each budget's reason "
        "and each waiver's are given. *ours* and *reference* are the two measurements of the same run a ratio budget "
        "divides; an absolute budget has no reference.",
        "",
        *_tables.budget_section(verdicts, results),
        "",
        "## Timings: ours vs each reference (same run)",
        "",
        *_tables.timing_section(results),
        "",
        "## Cold starts and other measurements",
        "",
        *_tables.other_section(results, quotes),
        "",
        "## Workers (inside Pyodide 314)",
        "",
        *_workers.workers_section(results),
        "",
        "## Mutation score",
        "",
        *_tables.mutation_section(results),
        "",
        "## Bundle size",
        "",
        *_tables.bundle_section(results, quotes),
        "",
        "## Charts",
        "",
        *(f"![{name}](benchmarks/{name}.svg)\n" for name in CHARTS),
        "## Quoted figures",
        "",
        *_tables.quoted_section(quotes),
        "",
    ]
    return "\n".join(md)


def budget_names_in(md: str) -> list[tuple[str, str]]:
    """(name, limit) of each row of the report's budget table, in order."""
    section = md.split("\n## Budgets\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]  # the first is the header
    cells = [[c.strip().replace("\\|", "|") for c in row.strip("|").split(" | ")] for row in rows]
    name, limit = _tables.BUDGET_HEADER.index("budget"), _tables.BUDGET_HEADER.index("limit")
    return [(c[name], c[limit]) for c in cells]


def budget_drift(md: str, budgets: list[Budget]) -> tuple[list[str], list[str]]:
    """(declared but missing from the report, in the report but no longer declared as written)."""
    listed = budget_names_in(md)
    declared = [(b.name, f"{b.limit} {b.unit}") for b in budgets]
    return ([f"{n} ({lim})" for n, lim in declared if (n, lim) not in listed],
            [f"{n} ({lim})" for n, lim in listed if (n, lim) not in declared])


def blocks(data: dict[str, Any]) -> dict[Path, str]:
    """Each quoting file's figures block, rendered from the data."""
    results = measurements(data)
    verdicts = check(results, load_budgets())
    return {path: _workers.figures_block(results, verdicts, measured_on(data), link) for path, link in QUOTING.items()}


def write(data: dict[str, Any]) -> list[Path]:
    """Write the data, the report, its charts and the quoting files' blocks; return the files written."""
    text = dumps(data)
    data = json.loads(text)  # render what is committed, exactly as a later --committed run will read it
    # every text first: a quoting file without its markers stops the report before anything is written
    texts = {DATA_JSON: text, REPORT_MD: render(data)}
    for path, block in blocks(data).items():
        texts[path] = _workers.replace_block(path.read_text(encoding="utf-8"), block)
    # matplotlib is imported only here: the report env and tests/bench install it, the budgets gate needs none
    from bench import _charts

    CHARTS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in CHARTS_DIR.glob("*.svg"):
        if stale.stem not in CHARTS:
            stale.unlink()
    charts = _charts.draw_all(measurements(data), load_quotes(), CHARTS_DIR)
    for path, content in texts.items():
        path.write_text(content, encoding="utf-8")
    return [*texts, *charts]

"""``python -m bench report``: bench/report/{report.md, results.json, *.svg, *.png} from the last run's results.

Every figure comes from the results files of one run (.bench/) or from bench/quoted.toml, where it is labelled
quoted. The folder is generated, never edited, and not committed (.gitignore).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import tomllib

from bench._results import Measurement, load_all, load_run_info
from bench.budgets import Verdict, check

HERE = Path(__file__).resolve().parent
REPORT_DIR = Path(os.environ.get("LEANCORE_REPORT_DIR", HERE / "report"))
QUOTED_TOML = HERE / "quoted.toml"
OURS = "core"  # the implementation suffix of our timings ("jwt.decode.core" vs "jwt.decode.jose")


def load_quotes(path: Path = QUOTED_TOML) -> list[dict[str, Any]]:
    quotes: list[dict[str, Any]] = tomllib.loads(path.read_text())["quote"]
    for q in quotes:
        q["verified"] = _verify(q)
    return quotes


def _verify(quote: dict[str, Any]) -> str:
    """Whether the quoted string is still in its source (shared/ sits beside the clone in CI and on these machines)."""
    root = HERE.parent
    candidates = [Path(os.environ["LEANCORE_SHARED_DIR"])] if "LEANCORE_SHARED_DIR" in os.environ else []
    candidates += [root.parent / "shared", root.parent.parent / "shared"]
    for shared in candidates:
        source = shared / quote["source"]
        if source.exists():
            found = quote["quote"] in source.read_text(encoding="utf-8", errors="replace")
            return "verified in source" if found else "NOT FOUND in source"
    return "source not available"


def timing_groups(results: dict[str, Measurement]) -> dict[str, dict[str, Measurement]]:
    """pytest-benchmark timings grouped by operation: ``jwt.decode`` -> {"core": ..., "jose": ..., "pyjwt": ...}."""
    groups: dict[str, dict[str, Measurement]] = {}
    for mid, m in sorted(results.items()):
        if m.unit == "s" and "." in mid:
            op, impl = mid.rsplit(".", 1)
            groups.setdefault(op, {})[impl] = m
    return groups


def _fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:,.3g} {unit}"
    return f"{seconds / 1e-9:,.3g} ns"


def _mb(n: float) -> str:
    """Bytes in MB (10^6), or kB below 1 MB so that small parts do not print as 0.00."""
    return f"{n / 1e6:,.2f} MB" if n >= 1e6 else f"{n / 1e3:,.1f} kB"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    body = ("| " + " | ".join(_cell(c) for c in r) + " |" for r in rows)
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *body]


def _budget_rows(verdicts: list[Verdict]) -> list[list[str]]:
    rows = []
    for v in verdicts:
        b = v.budget
        measured = "-" if v.value is None else f"{v.value:,.3g} {b.unit}"
        what = f"`{b.measure}`" + (f" / `{b.against}`" if b.against else "")
        rows.append([f"**{v.status}**", b.name, what, v.detail, measured, f"{b.limit} {b.unit}", b.reason,
                     str(b.issue)])
    return rows


def _timing_section(results: dict[str, Measurement]) -> list[str]:
    groups = timing_groups(results)
    if not groups:
        return ["No pytest-benchmark timing was taken in this run."]
    rows = []
    for op, impls in groups.items():
        ours = impls.get(OURS)
        for impl, m in sorted(impls.items(), key=lambda kv: kv[1].value):
            ratio = "-" if ours is None or impl == OURS else f"{m.value / ours.value:,.2f}x"
            rows.append([op, impl, _fmt_time(m.value), str(m.details.get("rounds", "")), ratio])
    return _table(["operation", "implementation", "median (CPU)", "rounds", "reference / core"], rows)


def _bundle_section(results: dict[str, Measurement], quotes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    names = [
        ("bundle.upload.zip", "our Workers upload: code + vendored closure for Pyodide 314"),
        ("bundle.upload.excluding_pyodide.zip", "the same, without packages Pyodide 314 ships itself"),
        ("bundle.ours.native.zip", "our code + runtime closure, CPython 3.11 Linux wheels"),
        ("bundle.heavy.pyodide.zip", "heavy set, resolved for Pyodide 314 the same way"),
        ("bundle.heavy.native.zip", "heavy set, CPython 3.11 Linux wheels (installed files, no bytecode caches)"),
        ("bundle.wheel", "the leancore wheel"),
        ("bundle.core.zip", "core/ alone, zipped"),
    ]
    rows = []
    for mid, label in names:
        m = results.get(mid)
        if m is None:
            rows.append([label, f"`{mid}`", "pending", "-", "-"])
            continue
        on_disk = m.details.get("bytes_on_disk")
        files = m.details.get("files", "-")
        rows.append([label, f"`{mid}`", _mb(m.value), _mb(on_disk) if on_disk else "-", str(files)])
    for q in quotes:
        if q["unit"] == "MB":
            value = f"{q['value']:g}" + (f"-{q['value_high']:g}" if "value_high" in q else "")
            rows.append([q["label"], "quoted: " + q["source"], f"{value} MB (QUOTED)", "-", "-"])
    out += _table(["what", "measurement", "zipped (deflate)", "on disk", "files"], rows)
    upload = results.get("bundle.upload.zip")
    if upload is not None:
        d = upload.details
        out += ["", f"Workers runtime dependencies read from {d.get('requirements_from')}: "
                f"{', '.join(d.get('requirements', [])) or '(none)'}.", "", "Top contributors to our upload:", ""]
        out += _table(["part", "version", "zipped", "on disk", "files", "also in Pyodide 314"],
                      [[p["name"], p["version"] or "-", _mb(p["zipped"]), _mb(p["bytes"]), str(p["files"]),
                        "yes" if p["in_pyodide"] else "no"] for p in d.get("parts", [])[:12]])
        left = results.get("bundle.upload.excluding_pyodide.zip")
        if left is not None:
            out += ["", "Left out of the `excluding_pyodide` figure (Pyodide 314 ships them): "
                    + (", ".join(left.details.get("left_out", [])) or "none") + "."]
        out += ["", "Provided by Pyodide, no PyPI wheel for the target (never uploaded): "
                + (", ".join(d.get("provided_by_runtime", [])) or "none") + "."]
    heavy = results.get("bundle.heavy.pyodide.zip")
    if heavy is not None:
        out += ["", "Heavy set on Pyodide: provided by Pyodide's own distribution (no PyPI wheel for wasm32): "
                + (", ".join(heavy.details.get("provided_by_runtime", [])) or "none")
                + "; not installable at all: " + (", ".join(heavy.details.get("unavailable", [])) or "none") + "."]
        out += ["", "Heavy set top contributors (Pyodide):", ""]
        out += _table(["part", "version", "zipped", "on disk"],
                      [[p["name"], p["version"], _mb(p["zipped"]), _mb(p["bytes"])]
                       for p in heavy.details["parts"][:8]])
    return out


# Workers CPU limits (shared/facts.md; developers.cloudflare.com/workers/platform/limits): 10 ms per request on the
# free plan, 30 s by default on the paid plan (configurable up to 5 min), 1 s for the startup (global scope).
WORKERS_FREE_CPU_MS = 10
WORKERS_DEFAULT_CPU_MS = 30_000
WORKERS_FIGURES = [
    ("workers.snapshot.first_request", "start from the memory snapshot + first request (GET /system/health)"),
    ("workers.nosnapshot.first_request.leancore", "no snapshot: import worker + first request"),
    ("workers.nosnapshot.first_request.bare", "no snapshot: bare FastAPI app of the same shape, same run"),
    ("workers.import_core", "import every core module"),
    ("workers.login.pbkdf2_600k", "login: verify PBKDF2-SHA256 at the policy's 600,000 rounds (core's default path)"),
    ("workers.pbkdf2_600k.paired.default", "PBKDF2 at 600,000 rounds, core's default path (one process, alternating)"),
    ("workers.pbkdf2_600k.paired.copy", "PBKDF2 at 600,000 rounds, the pad-state copy loop (same process)"),
    ("workers.pbkdf2_600k.paired.for_loop", "PBKDF2 at 600,000 rounds, a for loop over _hmac.compute_sha256 (same "
     "process)"),
    ("workers.login.bcrypt_cost10", "login: verify a legacy bcrypt hash, cost 10 (pure Python)"),
]


def _fits(ms: float, limit: float) -> str:
    return "yes" if ms <= limit else "**no**"


def _workers_section(results: dict[str, Measurement]) -> list[str]:
    """Pyodide figures (workers_harness/measure.mjs): CPU of the whole Node process and of its main thread."""
    rows = []
    for mid, label in WORKERS_FIGURES:
        m = results.get(mid)
        if m is None:
            rows.append([label, f"`{mid}`", "pending", "-", "-", "-", "-"])
            continue
        main = m.details.get("main_ms")
        note = ""
        if m.details.get("extrapolated"):
            note = (f" (measured at cost {m.details['measured_cost']}: {m.details['measured_cpu_ms']:,.0f} ms, "
                    f"x{m.details['scale']}: bcrypt doubles its work per cost step)")
        rows.append([label + note, f"`{mid}`", f"{m.value:,.0f} ms", "-" if main is None else f"{main:,.0f} ms",
                     str(m.details.get("runs", "-")), *(  # request limits apply to logins; startup has its own 1 s
                         [_fits(m.value, WORKERS_DEFAULT_CPU_MS), _fits(m.value, WORKERS_FREE_CPU_MS)]
                         if mid.startswith("workers.login.") else ["-", "-"])])
    out = _table(["what", "measurement", "CPU (whole process)", "main thread", "runs",
                  f"login within the {WORKERS_DEFAULT_CPU_MS / 1000:g} s default CPU limit",
                  f"login within the free plan's {WORKERS_FREE_CPU_MS} ms"],
                 rows)
    ours, bare = results.get("workers.nosnapshot.first_request.leancore"), results.get(
        "workers.nosnapshot.first_request.bare")
    if ours is not None and bare is not None:
        out += ["", f"No snapshot, leancore / bare FastAPI: **{ours.value / bare.value:.2f}x** "
                f"({ours.details.get('routes')} routes, {ours.details.get('models')} models on both sides)."]
    paired = {side: results.get(f"workers.pbkdf2_600k.paired.{side}") for side in ("default", "copy", "for_loop")}
    if paired["default"] is not None and paired["copy"] is not None:
        loop = paired["for_loop"]
        out += ["", f"PBKDF2 in one Pyodide process, core's default path "
                f"(`{paired['default'].details.get('path')}`) / the copy loop it replaced: "
                f"**{paired['default'].value / paired['copy'].value:.2f}x**"
                + ("" if loop is None else f"; a for loop over the same one-shot call: "
                   f"{loop.value / paired['copy'].value:.2f}x") + "."]
    snap = results.get("workers.snapshot.first_request")
    if snap is not None:
        out += ["", f"Snapshot: {snap.details.get('snapshot_bytes', 0) / 1e6:,.1f} MB of Wasm memory, taken after "
                f"`import worker` (which cost {snap.details.get('import_worker_at_deploy_cpu_ms', 0):,.0f} ms CPU at "
                f"deploy time); restoring it alone: {snap.details.get('restore_cpu_ms', 0):,.0f} ms whole process, "
                f"{snap.details.get('restore_main_ms', 0):,.0f} ms main thread."]
    out += ["", "Measured in Pyodide 314 under Node 20, not in workerd: the whole-process figure includes V8's "
            "background compiler and GC threads, the main thread is the interpreter itself."]
    return out


def _other_section(results: dict[str, Measurement], quotes: list[dict[str, Any]]) -> list[str]:
    rows = [[f"`{m.id}`", f"{m.value:,.4g} {m.unit}", str(m.details.get("runs", "-")),
             ", ".join(f"{k}={v}" for k, v in m.details.items() if isinstance(v, (int, float, str)) and k != "run")]
            for m in results.values() if m.unit not in ("s", "B") and not m.id.startswith("workers.")]
    rows += [[q["id"], f"{q['value']:g} {q['unit']} (QUOTED)", "-", q["source"]] for q in quotes if q["unit"] == "ms"]
    return _table(["measurement", "value", "runs", "details"], rows) if rows else ["None in this run."]


def write(results: dict[str, Measurement] | None = None) -> Path:
    results = load_all() if results is None else results
    run = load_run_info()
    verdicts = check(results)
    quotes = load_quotes()
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    # matplotlib is imported only here: only the report env installs it, the budgets gate needs none
    from bench import _charts

    charts = _charts.draw_all(results, quotes, REPORT_DIR)
    machine = run.get("machine", {})
    generated = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    counts = {s: sum(v.status == s for v in verdicts) for s in ("pass", "FAIL", "WAIVED", "pending")}
    md = [
        "# leancore benchmark report",
        "",
        f"Generated by `python -m bench report` on {generated} from run `{run.get('run', '?')}` "
        f"({'quick' if run.get('quick') else 'full'} profile). Do not edit: regenerate. Timings are CPU time "
        "(`time.process_time`), medians; cold starts are fresh processes, CPU of the child, median of "
        f"{run.get('cold_runs', '?')}. Figures marked QUOTED come from the original system's write-up "
        "(bench/quoted.toml), not from a measurement.",
        "",
        f"**Budgets: {counts['pass']} pass, {counts['FAIL']} fail, {counts['WAIVED']} over but waived (known misses, "
        f"reason in the table), {counts['pending']} pending.**",
        "",
        "## Budgets",
        "",
        *_table(["status", "budget", "measure", "from", "value", "limit", "reason", "issue"], _budget_rows(verdicts)),
        "",
        "## Timings: ours vs each reference (same run)",
        "",
        *_timing_section(results),
        "",
        "## Cold starts and other measurements",
        "",
        *_other_section(results, quotes),
        "",
        "## Workers (inside Pyodide 314)",
        "",
        *_workers_section(results),
        "",
        "## Bundle size",
        "",
        *_bundle_section(results, quotes),
        "",
        "## Charts",
        "",
        *(f"![{name}]({name}.svg)" for name in charts),
        "",
        "## Quoted figures",
        "",
        *_table(["id", "value", "quote", "source", "check"],
                [[q["id"], f"{q['value']:g}" + (f"-{q['value_high']:g}" if "value_high" in q else "") + f" {q['unit']}",
                  f"`{q['quote']}`", q["source"], q["verified"]] for q in quotes]),
        "",
        "## Machine",
        "",
        *_table(["key", "value"], [[k, str(v)] for k, v in machine.items() if k != "libraries"]),
        "",
        *_table(["library", "version"], [[k, str(v)] for k, v in machine.get("libraries", {}).items()]),
        "",
    ]
    (REPORT_DIR / "report.md").write_text("\n".join(md), encoding="utf-8")
    payload = {
        "generated": generated,
        "run": {k: v for k, v in run.items() if k != "machine"},
        "machine": machine,
        "measurements": {k: asdict(m) for k, m in sorted(results.items())},
        "budgets": [{**asdict(v.budget), "status": v.status, "value": v.value, "detail": v.detail} for v in verdicts],
        "quoted": quotes,
        "charts": charts,
    }
    (REPORT_DIR / "results.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    return REPORT_DIR

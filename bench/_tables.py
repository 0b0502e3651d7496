"""The report's Markdown tables: budgets, timings, cold starts, bundle size, quoted figures (bench/_report.py).

Each section is a pure function of the measurements (and budgets.toml / quoted.toml), so the committed report can
be rendered again from docs/benchmarks.json and compared byte for byte.
"""

from __future__ import annotations

from typing import Any

from bench._results import Measurement
from bench.budgets import Verdict

OURS = "core"  # the implementation suffix of our timings ("jwt.decode.core" vs "jwt.decode.jose")


def timing_groups(results: dict[str, Measurement]) -> dict[str, dict[str, Measurement]]:
    """pytest-benchmark timings grouped by operation: ``jwt.decode`` -> {"core": ..., "jose": ..., "pyjwt": ...}."""
    groups: dict[str, dict[str, Measurement]] = {}
    for mid, m in sorted(results.items()):
        if m.unit == "s" and "." in mid:
            op, impl = mid.rsplit(".", 1)
            groups.setdefault(op, {})[impl] = m
    return groups


def fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:,.3g} {unit}"
    return f"{seconds / 1e-9:,.3g} ns"


def mb(n: float) -> str:
    """Bytes in MB (10^6), or kB below 1 MB so that small parts do not print as 0.00."""
    return f"{n / 1e6:,.2f} MB" if n >= 1e6 else f"{n / 1e3:,.1f} kB"


def fmt_value(m: Measurement) -> str:
    """One measurement in its own unit, as a reader would write it."""
    if m.unit == "s":
        return fmt_time(m.value)
    if m.unit == "B":
        return mb(m.value)
    if m.unit == "us":
        return f"{m.value:,.3g} µs"
    if m.unit == "x":
        return f"{m.value:,.3g}x"
    return f"{m.value:,.4g} {m.unit}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    body = ("| " + " | ".join(_cell(c) for c in r) + " |" for r in rows)
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *body]


BUDGET_HEADER = ["status", "budget", "ours", "reference", "measured", "limit"]


def budget_section(verdicts: list[Verdict], results: dict[str, Measurement]) -> list[str]:
    """One row per budget of budgets.toml, in its order: our figure, the reference's beside it, the value, the limit."""

    def side(mid: str | None) -> str:
        if mid is None:
            return "-"
        m = results.get(mid)
        return f"`{mid}` " + ("not measured" if m is None else fmt_value(m))

    rows = []
    for v in verdicts:
        b = v.budget
        measured = "-" if v.value is None else f"{v.value:,.3g} {b.unit}"
        status = f"**{v.status}**" + (" (known miss)" if v.status == "WAIVED" else
                                      " (waived, now within: the waiver can go)" if b.waived else "")
        if v.status == "pending":
            status += f": {v.detail}"
        rows.append([status, b.name, side(b.measure), side(b.against), measured, f"{b.limit} {b.unit}"])
    return table(BUDGET_HEADER, rows)


def timing_section(results: dict[str, Measurement]) -> list[str]:
    groups = timing_groups(results)
    if not groups:
        return ["No pytest-benchmark timing was taken in this run."]
    rows = []
    for op, impls in groups.items():
        ours = impls.get(OURS)
        for impl, m in sorted(impls.items(), key=lambda kv: kv[1].value):
            ratio = "-" if ours is None or impl == OURS else f"{m.value / ours.value:,.2f}x"
            rows.append([op, impl, fmt_time(m.value), str(m.details.get("rounds", "")), ratio])
    return table(["operation", "implementation", "median (CPU)", "rounds", "reference / core"], rows)


BUNDLES = [
    ("bundle.upload.zip", "our Workers upload: code + vendored closure for Pyodide 314"),
    ("bundle.upload.excluding_pyodide.zip", "the same, without packages Pyodide 314 ships itself"),
    ("bundle.ours.native.zip", "our code + runtime closure, CPython 3.11 Linux wheels"),
    ("bundle.heavy.pyodide.zip", "heavy set, resolved for Pyodide 314 the same way"),
    ("bundle.heavy.native.zip", "heavy set, CPython 3.11 Linux wheels (installed files, no bytecode caches)"),
    ("bundle.wheel", "the leancore wheel"),
    ("bundle.core.zip", "core/ alone, zipped"),
]


def _quoted_value(q: dict[str, Any]) -> str:
    return f"{q['value']:g}" + (f"-{q['value_high']:g}" if "value_high" in q else "")


def bundle_section(results: dict[str, Measurement], quotes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    rows = []
    for mid, label in BUNDLES:
        m = results.get(mid)
        if m is None:
            rows.append([label, f"`{mid}`", "pending", "-", "-"])
            continue
        on_disk = m.details.get("bytes_on_disk")
        files = m.details.get("files", "-")
        rows.append([label, f"`{mid}`", mb(m.value), mb(on_disk) if on_disk else "-", str(files)])
    for q in quotes:
        if q["unit"] == "MB":
            rows.append([q["label"], "quoted: " + q["source"], f"{_quoted_value(q)} MB (QUOTED)", "-", "-"])
    out += table(["what", "measurement", "zipped (deflate)", "on disk", "files"], rows)
    upload = results.get("bundle.upload.zip")
    if upload is not None:
        d = upload.details
        out += ["", f"Workers runtime dependencies read from {d.get('requirements_from')}: "
                f"{', '.join(d.get('requirements', [])) or '(none)'}.", "", "Top contributors to our upload:", ""]
        out += table(["part", "version", "zipped", "on disk", "files", "also in Pyodide 314"],
                     [[p["name"], p["version"] or "-", mb(p["zipped"]), mb(p["bytes"]), str(p["files"]),
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
        out += table(["part", "version", "zipped", "on disk"],
                     [[p["name"], p["version"], mb(p["zipped"]), mb(p["bytes"])] for p in heavy.details["parts"][:8]])
    return out


def other_section(results: dict[str, Measurement], quotes: list[dict[str, Any]]) -> list[str]:
    """Cold starts, throughputs and latencies: everything that is neither a timing, a size nor a Workers figure."""
    rows = [[f"`{m.id}`", fmt_value(m), str(m.details.get("runs", "-")),
             ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in m.details.items()
                       if isinstance(v, (int, float, str)) and k != "run")]
            for m in results.values()
            if m.unit not in ("s", "B") and not m.id.startswith(("workers.", "mutation."))]
    rows += [[q["id"], f"{q['value']:g} {q['unit']} (QUOTED)", "-", q["source"]] for q in quotes if q["unit"] == "ms"]
    return table(["measurement", "value", "runs", "details"], rows) if rows else ["None in this run."]


def mutation_section(results: dict[str, Measurement]) -> list[str]:
    """Each package's score, then every mutant that counts against it, with the line it writes."""
    scores = [m for m in results.values() if m.id.startswith("mutation.")]
    if not scores:
        return ["Not measured in this run: `tox -e mutation` measures it (neither `tox -e budgets` nor `tox -e report` "
                "runs it yet: README)."]
    d = scores[0].details
    out = [f"mutmut over each package with the unit and compat tests (bench/test_mutation_bench.py; "
           f"{d.get('seconds', 0) / 60:,.0f} min for all). Score = detected / (mutants - equivalent); detected = "
           "killed, timed out or crashed; equivalent = listed with its reason in "
           "[bench/mutation_equivalents.toml](../bench/mutation_equivalents.toml).", ""]
    out += table(["package", "score", "mutants", "detected", "equivalent", "of them timeouts", "undetected"],
                 [[f"`{m.id.removeprefix('mutation.')}`", f"{m.value:.1f} %", str(m.details["mutants"]),
                   str(m.details["detected"]), str(m.details["equivalent"]), str(m.details["timeouts"]),
                   str(len(m.details["undetected"]))] for m in scores])
    for m in scores:
        undetected = m.details["undetected"]
        if undetected:
            out += ["", f"Undetected in `{m.id.removeprefix('mutation.')}` ({len(undetected)}):", ""]
            out += table(["mutant", "status", "writes"],
                         [[f"`{u['mutant']}`", u["status"], f"`{u['change']}`" if u["change"] else "(deletes the line)"]
                          for u in undetected])
    return out


def quoted_section(quotes: list[dict[str, Any]]) -> list[str]:
    return table(["id", "value", "quote", "source"],
                 [[q["id"], f"{_quoted_value(q)} {q['unit']}", f"`{q['quote']}`", q["source"]] for q in quotes])

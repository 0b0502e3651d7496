"""The report's charts (matplotlib, installed in the report and budgets tox envs only), as deterministic SVG.

Every bar is drawn from a measurement of the run; quoted figures are hatched grey and say "quoted" in their label.
The same measurements give the same bytes (a fixed hash salt for the SVG ids, no date in the metadata; text kept as
text, which also keeps the files small), so the committed docs/benchmarks/*.svg only change when a figure does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on CI machines
import matplotlib.pyplot as plt

from bench._results import Measurement
from bench._tables import OURS, fmt_time, timing_groups
from bench.budgets import Budget, Verdict, check, load_budgets

OURS_COLOR, REF_COLOR, QUOTED_COLOR, LIMIT_COLOR = "#1b7f5b", "#8a8f98", "#d0d0d0", "#c0392b"
# what we are compared against, in measurement ids and implementation names: libraries, C code, bare apps
REFERENCES = ("bare", "jose", "pyjwt", "email_validator", "heavy_trio", "passlib", "native", "hashlib")
STATUS_COLOR = {"pass": OURS_COLOR, "FAIL": LIMIT_COLOR, "WAIVED": "#e67e22"}
DETERMINISTIC = {"svg.hashsalt": "leancore-bench", "svg.fonttype": "none", "font.family": "DejaVu Sans"}


def _reference(name: str) -> bool:
    return any(ref in name for ref in REFERENCES)


def _save(fig: Any, out: Path, name: str) -> Path:
    path = out / f"{name}.svg"
    # constrained layout places titles and labels; "tight" grows the canvas to whatever still sticks out
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    return path


def _empty(out: Path, name: str, title: str, message: str) -> Path:
    fig, ax = plt.subplots(layout="constrained", figsize=(8, 2))
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center")
    ax.axis("off")
    return _save(fig, out, name)


def timings(results: dict[str, Measurement], out: Path) -> Path:
    groups = timing_groups(results)
    title = "Per-operation CPU time, median (lower is better)"
    if not groups:
        return _empty(out, "timings", title, "no pytest-benchmark timing in this run")
    height = 0.5 + 1.1 * sum(len(g) for g in groups.values()) / 2 + 0.6 * len(groups)
    fig, axes = plt.subplots(len(groups), 1, layout="constrained", figsize=(8, height), squeeze=False)
    for ax, (op, impls) in zip(axes[:, 0], groups.items(), strict=True):
        names = sorted(impls, key=lambda n: impls[n].value)
        values = [impls[n].value * 1e6 for n in names]
        ours = impls.get(OURS)
        ax.barh(names, values, color=[REF_COLOR if _reference(n) else OURS_COLOR for n in names])
        for y, n in enumerate(names):
            note = fmt_time(impls[n].value)
            if ours is not None and n != OURS:
                note += f"  ({impls[n].value / ours.value:,.1f}x core)"
            ax.text(values[y], y, " " + note, va="center", fontsize=8)
        ax.set_title(op, fontsize=10, loc="left")
        ax.set_xlim(0, max(values) * 1.6)
        ax.invert_yaxis()
    axes[-1, 0].set_xlabel("µs of CPU per call")
    fig.suptitle(title, fontsize=11)
    return _save(fig, out, "timings")


def coldstart(results: dict[str, Measurement], quotes: list[dict[str, Any]], out: Path) -> Path:
    rows = [(m.id, m.value, False) for m in results.values() if m.unit == "ms"]
    rows += [(q["label"], q["value"], True) for q in quotes if q["unit"] == "ms"]
    title = "Cold-start / import CPU (fresh processes, median; lower is better)"
    if not rows:
        return _empty(out, "coldstart", title, "no cold-start measurement in this run")
    fig, ax = plt.subplots(layout="constrained", figsize=(8, 1 + 0.45 * len(rows)))
    labels = [r[0] for r in rows]
    values = [max(r[1], 0.01) for r in rows]
    colors = [QUOTED_COLOR if r[2] else REF_COLOR if _reference(r[0]) else OURS_COLOR for r in rows]
    bars = ax.barh(labels, values, color=colors)
    for bar, r in zip(bars, rows, strict=True):
        if r[2]:
            bar.set_hatch("//")
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {r[1]:,.1f} ms" + (" (quoted)" if r[2] else ""),
                va="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlim(min(values) / 2, max(values) * 30)
    ax.set_xlabel("ms of CPU (log scale); import.* are net of the bare interpreter start")
    ax.invert_yaxis()
    ax.set_title(title, fontsize=11)
    return _save(fig, out, "coldstart")


def upload(results: dict[str, Measurement], quotes: list[dict[str, Any]], out: Path) -> Path:
    rows: list[tuple[str, float, float | None, str]] = []
    for mid, label, color in (
        ("bundle.upload.zip", "leancore Workers upload", OURS_COLOR),
        ("bundle.upload.excluding_pyodide.zip", "leancore upload without Pyodide's own packages", OURS_COLOR),
        ("bundle.wheel", "leancore wheel", OURS_COLOR),
        ("bundle.heavy.pyodide.zip", "heavy set, Pyodide wheels", REF_COLOR),
        ("bundle.heavy.native.zip", "heavy set, Linux CPython wheels", REF_COLOR),
    ):
        if mid in results:
            rows.append((label, results[mid].value / 1e6, None, color))
    rows += [(q["label"], q["value"], q.get("value_high"), QUOTED_COLOR) for q in quotes if q["unit"] == "MB"]
    title = "Upload size, zipped (lower is better)"
    if not rows:
        return _empty(out, "upload", title, "no bundle measurement in this run")
    fig, ax = plt.subplots(layout="constrained", figsize=(8, 1.2 + 0.5 * len(rows)))
    values = [r[2] if r[2] is not None else r[1] for r in rows]
    bars = ax.barh([r[0] for r in rows], values, color=[r[3] for r in rows])
    for bar, r in zip(bars, rows, strict=True):
        quoted = r[3] == QUOTED_COLOR
        if quoted:
            bar.set_hatch("//")
        text = f"{r[1]:,.4g}" if r[1] >= 1 else f"{r[1]:.2g}"
        text += (f"-{r[2]:g}" if r[2] is not None else "") + " MB" + (" (quoted)" if quoted else "")
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + text, va="center", fontsize=8)
    for b in load_budgets():  # the limit line is the declared budget, not a number typed here
        if b.measure == "bundle.upload.zip" and b.max is not None and b.unit == "MB":
            ax.axvline(b.max, color=LIMIT_COLOR, linestyle="--", linewidth=1)
            ax.text(b.max, len(rows) - 0.45, f" budget {b.max:g} MB", color=LIMIT_COLOR, fontsize=8, va="top")
    ax.set_xscale("log")
    ax.set_xlim(min(values) / 2, max(values) * 40)  # room for the value labels right of the bars
    ax.set_xlabel("MB (10^6 bytes), log scale")
    ax.invert_yaxis()
    ax.set_title(title, fontsize=11)
    return _save(fig, out, "upload")


def _share(budget: Budget, value: float) -> float:
    """How much of its limit a budget uses: value / max, or min / value for a floor (both > 1 when broken)."""
    return value / budget.max if budget.max is not None else (budget.min or 0.0) / value


def budgets(verdicts: list[Verdict], out: Path) -> Path:
    """Each measured budget as the share of its limit it uses: 1 is the limit, beyond it the budget is broken."""
    rows = [(v.budget.name, _share(v.budget, v.value), v.status)
            for v in verdicts if v.value is not None and v.value > 0]
    title = "Budgets: measured / limit (a minimum: limit / measured); 1 is the limit, lower is better"
    if not rows:
        return _empty(out, "budgets", title, "no budget measured in this run")
    fig, ax = plt.subplots(layout="constrained", figsize=(9, 1 + 0.32 * len(rows)))
    bars = ax.barh([r[0] for r in rows], [r[1] for r in rows], color=[STATUS_COLOR[r[2]] for r in rows])
    for bar, r in zip(bars, rows, strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {r[1]:.2f} ({r[2]})", va="center", fontsize=7)
    ax.axvline(1, color=LIMIT_COLOR, linestyle="--", linewidth=1)
    ax.set_xlim(0, max(1.0, *(r[1] for r in rows)) * 1.25)
    ax.tick_params(axis="y", labelsize=7)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    return _save(fig, out, "budgets")


def draw_all(results: dict[str, Measurement], quotes: list[dict[str, Any]], out: Path) -> list[Path]:
    """Every chart of the report, in bench/_report.py's CHARTS order."""
    with matplotlib.rc_context(DETERMINISTIC):
        return [budgets(check(results), out), timings(results, out), coldstart(results, quotes, out),
                upload(results, quotes, out)]

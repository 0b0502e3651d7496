"""Charts for the report (matplotlib, installed in the bench/report tox envs only), each as SVG and PNG.

Every bar is drawn from a measurement of the run; quoted figures are hatched grey and say "quoted" in their label.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on CI machines
import matplotlib.pyplot as plt

from bench._report import OURS, timing_groups
from bench._results import Measurement
from bench.budgets import load_budgets

OURS_COLOR, REF_COLOR, QUOTED_COLOR, LIMIT_COLOR = "#1b7f5b", "#8a8f98", "#d0d0d0", "#c0392b"


def _save(fig: Any, out: Path, name: str) -> str:
    fig.tight_layout()
    for ext in ("svg", "png"):
        fig.savefig(out / f"{name}.{ext}", dpi=130)
    plt.close(fig)
    return name


def _empty(out: Path, name: str, title: str, message: str) -> str:
    fig, ax = plt.subplots(figsize=(8, 2))
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center")
    ax.axis("off")
    return _save(fig, out, name)


def timings(results: dict[str, Measurement], out: Path) -> str:
    groups = timing_groups(results)
    title = "Per-operation CPU time, median (lower is better)"
    if not groups:
        return _empty(out, "timings", title, "no pytest-benchmark timing in this run")
    fig, axes = plt.subplots(len(groups), 1, figsize=(8, 0.5 + 1.1 * sum(len(g) for g in groups.values()) / 2 + 0.6
                                                    * len(groups)), squeeze=False)
    for ax, (op, impls) in zip(axes[:, 0], groups.items(), strict=True):
        names = sorted(impls, key=lambda n: impls[n].value)
        values = [impls[n].value * 1e6 for n in names]
        ours = impls.get(OURS)
        ax.barh(names, values, color=[OURS_COLOR if n == OURS else REF_COLOR for n in names])
        for y, n in enumerate(names):
            note = f"{impls[n].value * 1e6:,.3g} µs"
            if ours is not None and n != OURS:
                note += f"  ({impls[n].value / ours.value:,.1f}x core)"
            ax.text(values[y], y, " " + note, va="center", fontsize=8)
        ax.set_title(op, fontsize=10, loc="left")
        ax.set_xlim(0, max(values) * 1.6)
        ax.invert_yaxis()
    axes[-1, 0].set_xlabel("µs of CPU per call")
    fig.suptitle(title, fontsize=11)
    return _save(fig, out, "timings")


def coldstart(results: dict[str, Measurement], quotes: list[dict[str, Any]], out: Path) -> str:
    rows = [(m.id, m.value, False) for m in results.values() if m.unit == "ms"]
    rows += [(q["label"], q["value"], True) for q in quotes if q["unit"] == "ms"]
    title = "Cold-start / import CPU (fresh processes, median; lower is better)"
    if not rows:
        return _empty(out, "coldstart", title, "no cold-start measurement in this run")
    fig, ax = plt.subplots(figsize=(8, 1 + 0.45 * len(rows)))
    labels = [r[0] for r in rows]
    values = [max(r[1], 0.01) for r in rows]
    colors = [QUOTED_COLOR if r[2] else (OURS_COLOR if ".core" in r[0] or r[0].startswith("workers.") else REF_COLOR)
              for r in rows]
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


def upload(results: dict[str, Measurement], quotes: list[dict[str, Any]], out: Path) -> str:
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
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.5 * len(rows)))
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


def draw_all(results: dict[str, Measurement], quotes: list[dict[str, Any]], out: Path) -> list[str]:
    return [timings(results, out), coldstart(results, quotes, out), upload(results, quotes, out)]

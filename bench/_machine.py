"""What a run was measured on: machine, interpreter and the versions of every library compared against.

Ratios are the claims; absolute figures only mean something next to the machine that produced them, so the report
prints this block beside every table.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_PACKAGE = ROOT / "workers_harness" / "node_modules" / "pyodide"

# The oracles and tools whose versions decide what a figure means (pinned in tox.ini).
LIBRARIES = (
    "leancore",
    "python-jose",
    "PyJWT",
    "passlib",
    "bcrypt",
    "email-validator",
    "fastapi",
    "pydantic",
    "pytest-benchmark",
    "pip",
)


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _command(*argv: str) -> str | None:
    """One line of a tool's output, or None where the tool is missing or fails (a report is still written)."""
    if shutil.which(argv[0]) is None:
        return None
    try:
        out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def source_revision() -> str | None:
    """The commit measured, with ``+changes`` when tracked code differs from it (docs and *.md do not count: the
    report rewrites them, and they change no figure)."""
    commit = _command("git", "rev-parse", "--short=12", "HEAD")
    if commit is None:
        return None
    changed = _command("git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs",
                       ":(exclude)*.md")
    return commit + ("+changes" if changed else "")


def pyodide_versions() -> dict[str, str | None]:
    """Pyodide (npm, installed by the harness), the CPython it was built from, and the Node that ran it."""
    versions: dict[str, str | None] = {"pyodide": None, "pyodide_python": None}
    try:
        versions["pyodide"] = json.loads((PYODIDE_PACKAGE / "package.json").read_text())["version"]
        versions["pyodide_python"] = json.loads((PYODIDE_PACKAGE / "pyodide-lock.json").read_text())["info"]["python"]
    except (OSError, KeyError, ValueError):
        pass
    versions["node"] = _command("node", "--version")
    return versions


def machine_info() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "loadavg_at_end": [round(x, 2) for x in load] if load else None,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        **pyodide_versions(),
        "libraries": library_versions(),
    }

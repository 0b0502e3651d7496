"""What a run was measured on: machine, interpreter and the versions of every library compared against.

Ratios are the claims; absolute figures only mean something next to the machine that produced them, so the report
prints this block beside every table.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from pathlib import Path
from typing import Any

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
        "libraries": library_versions(),
    }

"""``python -m compat_tests oracles``: each reference library's installed release beside the one pinned in the
``compat`` extra (pyproject.toml, kept equal to tox -e compat's deps by tests/ci). tox -e compat-latest prints it
before running the differential on the newest releases, so a new release shows up by name."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path
from typing import Any

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
ORACLES = ("python-jose", "PyJWT", "passlib", "bcrypt", "email-validator")


def pins(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """``name -> version`` of the ``compat`` extra's ``name==version`` entries.

    Read with a pattern rather than tomllib, which Python 3.10 (the lowest supported) does not have; the extra is
    one line of quoted pins (tests/ci/test_compat_pins.py reads it with tomllib and compares).
    """
    line = re.search(r"^compat = \[(.*)\]$", pyproject.read_text(encoding="utf-8"), re.MULTILINE)
    specs = re.findall(r'"([^"]+)"', line.group(1)) if line else []
    found = (re.fullmatch(r"([A-Za-z0-9_.-]+)==([^;\s]+)", spec.strip()) for spec in specs)
    return {m.group(1): m.group(2) for m in found if m}


def report() -> dict[str, Any]:
    pinned = pins() if PYPROJECT.is_file() else {}
    rows = []
    for name in ORACLES:
        try:
            installed: str | None = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        pin = pinned.get(name)
        state = ("not installed" if installed is None else "same as the pin" if installed == pin
                 else "no pin" if pin is None else "DIFFERS from the pin")
        rows.append({"library": name, "pinned": pin, "installed": installed, "state": state})
    return {"command": "oracles", "pins_from": str(PYPROJECT), "oracles": rows,
            "differs": [r["library"] for r in rows if r["state"] == "DIFFERS from the pin"]}


def table(data: dict[str, Any]) -> list[list[str]]:
    return [["library", "pinned", "installed", ""],
            *([r["library"], r["pinned"] or "-", r["installed"] or "-", r["state"]] for r in data["oracles"])]

"""Download the wheels Pyodide needs into the cache (the only step of `tox -e pyodide` that uses the network).

Each group is a requirements file (exact pins, every dependency listed: installed with ``--no-deps``) and the
platform tag pip should fetch for. Pyodide 314 is CPython 3.14 on wasm32-emscripten: pure-Python wheels come as
``--platform any``; compiled ones need their ``pyemscripten_*_wasm32`` wheel (e.g. pydantic_core). A group is
skipped when its stamp (a hash of the requirements file and platform) matches, so re-runs work offline.

Add a group here (say ``("api", "requirements-api.txt", "any")`` and a ``pyemscripten_2026_0_wasm32`` one for
pydantic_core) and its wheels land in ``.cache/wheels/<group>/`` for lib/pyodide.mjs ``installWheels``.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache" / "wheels"
PYTHON_VERSION = "3.14"  # Pyodide 314.0.7 runs CPython 3.14.2

# (group, requirements file, pip --platform)
GROUPS: list[tuple[str, str, str]] = [
    ("test", "requirements-test.txt", "any"),
    ("api", "requirements-api.txt", "any"),
    ("api-wasm", "requirements-api-wasm.txt", "pyemscripten_2026_0_wasm32"),
]


def fetch(group: str, requirements: str, platform: str) -> None:
    req = HERE / requirements
    dest = CACHE / group
    stamp = dest / ".stamp"
    digest = hashlib.sha256(req.read_bytes() + platform.encode()).hexdigest()
    if stamp.is_file() and stamp.read_text() == digest:
        print(f"fetch_wheels: {group}: up to date ({dest})")
        return
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
           "--only-binary=:all:", "--python-version", PYTHON_VERSION, "--platform", platform,
           "-r", str(req), "-d", str(dest)]
    subprocess.run(cmd, check=True)  # noqa: S603 - fixed argv, no shell
    stamp.write_text(digest)
    wheels = sorted(p.name for p in dest.glob("*.whl"))
    print(f"fetch_wheels: {group}: {len(wheels)} wheels -> {dest}")


def main() -> int:
    for group, requirements, platform in GROUPS:
        fetch(group, requirements, platform)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

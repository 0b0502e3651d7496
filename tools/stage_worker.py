"""Write the folder `pywrangler deploy` runs in: what the Worker uploads, and a pyproject.toml for pywrangler.

pywrangler vendors the ``[project].dependencies`` of the pyproject.toml next to wrangler.toml. The repository's
own list is empty on purpose (core is standard library only), so the Worker gets its own: the ``workers`` extra of
pyproject.toml (the list bench/_bundle.py measures). Only runtime files are copied (bench/_bundle.py's
PROJECT_RUNTIME), so tests and benchmarks are never uploaded.

usage: python tools/stage_worker.py [DEST]   (default: build/worker; then `cd DEST && uv run pywrangler deploy`)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ("worker.py", "wrangler.toml", "core", "api")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def stage(dest: Path) -> list[str]:
    """Copy the runtime files into ``dest`` (emptied first) and write its pyproject.toml; return the dependencies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    dependencies = list(project["project"]["optional-dependencies"]["workers"])
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in RUNTIME:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=IGNORE)
        else:
            shutil.copy2(source, dest / name)
    group = project["dependency-groups"]["pywrangler"]
    (dest / "pyproject.toml").write_text(
        "# Written by tools/stage_worker.py: the Worker's runtime dependencies, vendored by pywrangler.\n"
        '[project]\nname = "leancore-worker"\nversion = "0"\nrequires-python = ">=3.14"\n'
        f"dependencies = {json.dumps(dependencies)}\n\n[dependency-groups]\ndev = {json.dumps(group)}\n"
    )
    return dependencies


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "worker"
    print(f"staged {target}: dependencies {stage(target)}")

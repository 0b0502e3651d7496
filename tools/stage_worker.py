"""Write the folder `pywrangler deploy` runs in: what the Worker uploads, and a pyproject.toml for pywrangler.

pywrangler vendors the ``[project].dependencies`` of the pyproject.toml next to wrangler.toml. The repository's
own list is empty on purpose (core is standard library only), so the Worker gets its own: the ``workers`` extra of
pyproject.toml (the list bench/_bundle.py measures). Only runtime files are copied (bench/_bundle.py's
PROJECT_RUNTIME), so tests and benchmarks are never uploaded.

Re-running it refreshes the code (worker.py, core/, api/) and the generated pyproject.toml, and leaves everything
else in the folder alone: wrangler.toml is copied only when the folder has none, so edits made there (the D1
``database_id``, routes, limits) survive; ``--database-id ID`` writes the id into it. pywrangler's own files
(python_modules/, .venv/, .wrangler/) are kept too. It prints what it did. Runs on Python 3.10+ (the deploy
itself needs uv and Python 3.14: docs/deploy-workers.md).

usage: python tools/stage_worker.py [DEST] [--database-id ID]   (default DEST: build/worker;
       then `cd DEST && uv run pywrangler deploy`)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE = ("worker.py", "core", "api")  # refreshed on every run
CONFIG = "wrangler.toml"  # the user's once copied
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")
# The D1 binding's id line in wrangler.toml ([[d1_databases]]), as `wrangler d1 create` prints it to paste.
_DATABASE_ID = re.compile(r'^(\s*database_id\s*=\s*)"[^"\n]*"', re.MULTILINE)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _toml_string_array(text: str, table: str, key: str) -> list[str]:
    """``key = [...]`` of ``[table]`` in pyproject.toml, for Pythons without tomllib (3.10).

    Only what this file holds: a table header on its own line and an array of double-quoted basic strings
    (comments and a trailing comma allowed), which is then JSON. tests/tools checks it against tomllib.
    """
    section = re.search(rf"^\[{re.escape(table)}\][^\n]*\n(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    if section is None:
        raise KeyError(table)
    found = re.search(rf"^{re.escape(key)}\s*=\s*(\[.*?\])\s*(?:#[^\n]*)?$", section.group(1), re.MULTILINE | re.DOTALL)
    if found is None:
        raise KeyError(f"{table}.{key}")
    body = re.sub(r"#[^\n\"]*$", "", found.group(1), flags=re.MULTILINE)  # comments (no '"' inside ours)
    body = re.sub(r",\s*\]$", "]", body.strip())
    value: Any = json.loads(body)
    if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        raise ValueError(f"{table}.{key} is not an array of strings")
    return value


def project_lists(text: str) -> tuple[list[str], list[str]]:
    """(the ``workers`` extra, the ``pywrangler`` dependency group) of pyproject.toml's text."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        return (_toml_string_array(text, "project.optional-dependencies", "workers"),
                _toml_string_array(text, "dependency-groups", "pywrangler"))
    project = tomllib.loads(text)
    return (list(project["project"]["optional-dependencies"]["workers"]),
            list(project["dependency-groups"]["pywrangler"]))


def set_database_id(config: str, database_id: str) -> str:
    """``config`` (wrangler.toml's text) with its D1 ``database_id`` set; exactly one such line must exist."""
    if not _UUID.fullmatch(database_id):
        raise ValueError(f"--database-id: expected the UUID `wrangler d1 create` prints, got {database_id!r}")
    updated, count = _DATABASE_ID.subn(lambda m: f'{m.group(1)}"{database_id}"', config)
    if count != 1:
        raise ValueError(f"{CONFIG} has {count} database_id lines; set it by hand")
    return updated


def stage(dest: Path, database_id: str | None = None) -> list[str]:
    """Refresh the code and pyproject.toml in ``dest``, copy wrangler.toml if absent; return what was done."""
    if database_id is not None and not _UUID.fullmatch(database_id):
        raise ValueError(f"--database-id: expected the UUID `wrangler d1 create` prints, got {database_id!r}")
    workers, group = project_lists((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dest.mkdir(parents=True, exist_ok=True)
    done = []
    for name in CODE:
        source, target = ROOT / name, dest / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)  # ours: a module deleted upstream must not linger
            shutil.copytree(source, target, ignore=IGNORE)
            done.append(f"copied {name}/")
        else:
            shutil.copy2(source, target)
            done.append(f"copied {name}")
    config = dest / CONFIG
    if config.exists():
        done.append(f"kept your {CONFIG} (not overwritten; compare with the repository's after an upgrade)")
    else:
        shutil.copy2(ROOT / CONFIG, config)
        done.append(f"copied {CONFIG} (edit it there: later runs keep it)")
    if database_id is not None:
        config.write_text(set_database_id(config.read_text(encoding="utf-8"), database_id), encoding="utf-8")
        done.append(f"set database_id = {database_id!r} in {CONFIG}")
    elif "00000000-0000-0000-0000-000000000000" in config.read_text(encoding="utf-8"):
        done.append(f"{CONFIG} still has the placeholder database_id: pass --database-id "
                    "(`wrangler d1 create` prints it)")
    (dest / "pyproject.toml").write_text(
        "# Written by tools/stage_worker.py: the Worker's runtime dependencies, vendored by pywrangler.\n"
        '[project]\nname = "leancore-worker"\nversion = "0"\nrequires-python = ">=3.14"\n'
        f"dependencies = {json.dumps(workers)}\n\n[dependency-groups]\ndev = {json.dumps(group)}\n",
        encoding="utf-8",
    )
    done.append(f"wrote pyproject.toml (dependencies {workers}, pywrangler {group})")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/stage_worker.py", description=__doc__.splitlines()[0])
    parser.add_argument("dest", nargs="?", type=Path, default=ROOT / "build" / "worker",
                        help="the staging folder (default: build/worker)")
    parser.add_argument("--database-id", help="write this D1 database id into the staged wrangler.toml")
    args = parser.parse_args(argv)
    try:
        done = stage(args.dest, args.database_id)
    except ValueError as exc:
        print(f"stage_worker: {exc}", file=sys.stderr)
        return 2
    print(f"staged {args.dest}:")
    for line in done:
        print(f"  {line}")
    print(f"next: cd {args.dest} && uv run pywrangler deploy   (needs uv and Python 3.14: docs/deploy-workers.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

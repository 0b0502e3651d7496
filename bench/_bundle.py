"""Bundle size: what a Workers deploy uploads, measured as files and as a deflate zip, with its top contributors.

The upload modelled (``pywrangler deploy``): our runtime code (``core/``, and ``api/`` and ``worker.py`` as soon as
they exist) plus ``python_modules/``, the installed closure of the Workers runtime dependencies resolved for
Pyodide (bench/_resolve.py). Which dependencies go to Workers is read from pyproject.toml (``workers_requirements``).

Two figures, because which packages Workers loads from its own Pyodide distribution rather than from the upload is
not ours to decide at measure time:
- ``vendored``: every package PyPI has a Pyodide wheel for (pure Python, or ``pyemscripten`` wasm such as
  ``pydantic_core``) is uploaded; only packages with no such wheel (``cryptography``, ``bcrypt``) come from Pyodide.
  This is the larger, budgeted figure.
- ``excluding_pyodide``: every package that Pyodide 314 ships itself (``fastapi``, ``pydantic``, ...) left out.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from bench._resolve import Target, resolve

ROOT = Path(__file__).resolve().parent.parent
# Runtime code of ours that a Worker imports; missing ones (not written yet) are skipped, new ones picked up.
PROJECT_RUNTIME = ("core", "api", "worker.py")
# Serve the ASGI app on an ordinary server only: on Workers `asgi.fetch` is the server (shared/facts.md).
SERVER_ONLY = frozenset({"uvicorn"})
# The dependency set the original system removed (issue 8), measured the same way for comparison.
HEAVY_SET = ("fastapi", "pydantic-settings", "python-jose[cryptography]", "passlib[bcrypt]", "email-validator",
             "python-dotenv", "SQLAlchemy")
# One zip member costs its local header (30 B) and central-directory entry (46 B) plus its name twice (APPNOTE 4.3).
ZIP_ENTRY_OVERHEAD = 30 + 46


@dataclass
class Part:
    name: str
    version: str
    origin: str  # "project" | "vendored"
    files: int = 0
    bytes: int = 0
    zipped: int = 0
    in_pyodide: bool = False


@dataclass
class Bundle:
    target: str
    requirements: list[str]
    parts: list[Part]
    zipped: int
    provided: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(p.files for p in self.parts)

    @property
    def bytes(self) -> int:
        return sum(p.bytes for p in self.parts)

    def zipped_where(self, keep: Callable[[Part], bool]) -> int:
        """Size of the zip holding only the parts kept (member sizes are independent in a zip: exact up to 22 B)."""
        return sum(p.zipped for p in self.parts if keep(p)) + 22

    def top(self, n: int = 10) -> list[Part]:
        return sorted(self.parts, key=lambda p: p.zipped, reverse=True)[:n]


def workers_requirements(pyproject: Path = ROOT / "pyproject.toml") -> tuple[list[str], str]:
    """The runtime dependencies a Worker needs, and where in pyproject.toml they were read.

    ``[project].dependencies`` (what pywrangler vendors) plus the ``workers`` dependency group or extra; before one
    exists, the ``api`` extra without the server-only packages.
    """
    data = tomllib.loads(pyproject.read_text())
    project = data.get("project", {})
    base = list(project.get("dependencies", []))
    group = data.get("dependency-groups", {}).get("workers")
    if group is not None:
        return base + [r for r in group if isinstance(r, str)], "[dependency-groups] workers"
    extras = project.get("optional-dependencies", {})
    if "workers" in extras:
        return base + list(extras["workers"]), "[project.optional-dependencies] workers"
    api = [r for r in extras.get("api", []) if canonicalize_name(Requirement(r).name) not in SERVER_ONLY]
    return base + api, "[project.optional-dependencies] api minus " + ", ".join(sorted(SERVER_ONLY))


def project_files(root: Path = ROOT) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of every runtime file of ours; caches and compiled files are never uploaded."""
    for entry in PROJECT_RUNTIME:
        path = root / entry
        if path.is_file():
            yield entry, path
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts and file.suffix != ".pyc":
                    yield file.relative_to(root).as_posix(), file


def _add(zf: zipfile.ZipFile, members: Iterable[tuple[str, bytes]], part: Part) -> None:
    for name, data in members:
        zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED,
                    compresslevel=6)
        info = zf.getinfo(name)
        part.files += 1
        part.bytes += len(data)
        part.zipped += info.compress_size + ZIP_ENTRY_OVERHEAD + 2 * len(name.encode())


def _wheel_members(wheel: Path) -> Iterator[tuple[str, bytes]]:
    """A wheel's files as installed into a target folder (``pip install --target``, pywrangler's python_modules)."""
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = info.filename
            top, _, inner = name.partition("/")
            if top.endswith(".data"):
                # purelib/platlib install to the top level; scripts, headers and data stay off the import path
                kind, _, rest = inner.partition("/")
                if kind not in ("purelib", "platlib"):
                    continue
                name = rest
            yield name, zf.read(info)


def zip_project(root: Path = ROOT, name: str = "leancore", only: str | None = None) -> Part:
    part = Part(name, "", "project")
    with tempfile.TemporaryFile() as tmp, zipfile.ZipFile(tmp, "w") as zf:
        files = ((arc, p) for arc, p in project_files(root) if only is None or arc.split("/")[0] == only)
        _add(zf, ((arc, p.read_bytes()) for arc, p in files), part)
    return part


def measure(requirements: list[str], target: Target, cache: Path, include_project: bool,
            progress: Callable[[str], None] = lambda _: None) -> Bundle:
    """Resolve ``requirements`` for ``target`` and zip the upload (plus our own code if ``include_project``)."""
    res = resolve(requirements, target, cache, progress)
    parts: list[Part] = []
    with tempfile.TemporaryFile() as tmp:
        with zipfile.ZipFile(tmp, "w") as zf:
            if include_project:
                part = Part("leancore (core, api, worker.py)", "", "project")
                _add(zf, ((arc, p.read_bytes()) for arc, p in project_files()), part)
                parts.append(part)
            for name, wheel in sorted(res.wheels.items()):
                part = Part(name, str(parse_wheel_filename(wheel.name)[1]), "vendored",
                            in_pyodide=name in target.provided)
                _add(zf, _wheel_members(wheel), part)
                parts.append(part)
        zipped = tmp.tell()
    progress(f"{target.name}: {len(parts)} parts, {zipped / 1e6:.2f} MB zipped")
    return Bundle(target.name, sorted(requirements), parts, zipped, res.provided, res.unavailable)


def build_wheel(root: Path = ROOT) -> Path:
    """Build the leancore wheel (hatchling, no isolation: the bench env installs it) into a temporary folder."""
    out = Path(tempfile.mkdtemp(prefix="leancore-wheel-"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--disable-pip-version-check", "-q", "-w", str(out), str(root)], check=True, timeout=300)
    return next(out.glob("leancore-*.whl"))

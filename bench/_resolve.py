"""Resolve a dependency closure to wheels for a target platform, the way ``pywrangler`` vendors for Workers.

``pip download --python-version X --platform P --only-binary=:all:`` fetches wheels for another platform, but pip
evaluates environment markers against the *running* interpreter (so SQLAlchemy would drag in ``greenlet`` for
wasm32). This walks the closure itself instead: each requirement is fetched alone (``--no-deps``), its
``Requires-Dist`` are evaluated with the *target's* marker environment, until nothing new appears.

A package with no wheel for the target is looked up in the runtime's own distribution (Pyodide ships e.g.
``cryptography`` and ``bcrypt`` built for wasm32, which PyPI does not): *provided*, not uploaded; otherwise it is
*unavailable* on that target. The resolution is cached as a lock file next to the wheels, so a second run needs no
network.
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename


@dataclass(frozen=True)
class Target:
    name: str
    python_version: str
    platforms: tuple[str, ...]
    markers: dict[str, str]
    # canonical names the runtime itself provides when PyPI has no wheel for the target
    provided: frozenset[str] = frozenset()


@dataclass
class Resolution:
    wheels: dict[str, Path] = field(default_factory=dict)  # canonical name -> wheel file
    provided: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)


PYODIDE_LOCK_NAMES = Path(__file__).resolve().parent / "data" / "pyodide-314.0.7-packages.txt"


def pyodide_packages(path: Path = PYODIDE_LOCK_NAMES) -> dict[str, str]:
    """Canonical name -> version of every package in Pyodide 314.0.7's own distribution (see the file's header)."""
    out = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split()
            out[canonicalize_name(name)] = version
    return out


# Pyodide 314 (Workers from compatibility date 2026-09-08): wasm32 emscripten, Python 3.14 (shared/facts.md).
PYODIDE = Target(
    "pyodide-314",
    "3.14",
    ("any", "pyemscripten_2026_0_wasm32"),
    {"python_version": "3.14", "python_full_version": "3.14.2", "sys_platform": "emscripten",
     "platform_system": "Emscripten", "platform_machine": "wasm32", "os_name": "posix",
     "implementation_name": "cpython", "platform_python_implementation": "CPython"},
    frozenset(pyodide_packages()),
)
# An ordinary Linux server on CPython 3.11: what a plain `pip install --target` of the original system shipped.
NATIVE = Target(
    "cpython-3.11-linux",
    "3.11",
    ("manylinux_2_28_x86_64", "manylinux2014_x86_64", "any"),
    {"python_version": "3.11", "python_full_version": "3.11.7", "sys_platform": "linux", "platform_system": "Linux",
     "platform_machine": "x86_64", "os_name": "posix", "implementation_name": "cpython",
     "platform_python_implementation": "CPython"},
)

_SAVED = re.compile(r"(?:Saved|File was already downloaded) (\S+\.whl)")


def _download(req: str, target: Target, dest: Path) -> Path | None:
    argv = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
            "--python-version", target.python_version, "-d", str(dest)]
    for plat in target.platforms:
        argv += ["--platform", plat]
    proc = subprocess.run([*argv, req], capture_output=True, text=True, timeout=300, check=False)
    found = _SAVED.findall(proc.stdout)
    if proc.returncode != 0 or not found:
        if "No matching distribution" in proc.stderr or "Could not find a version" in proc.stderr:
            return None
        raise RuntimeError(f"pip download {req!r} for {target.name} failed:\n{proc.stderr[-2000:]}")
    return dest / Path(found[-1]).name  # pip prints the path relative to its cwd


def requires_dist(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        msg = email.parser.Parser().parsestr(zf.read(meta).decode("utf-8"))
    return msg.get_all("Requires-Dist") or []


def _wanted(req: Requirement, target: Target, extras: set[str]) -> bool:
    if req.marker is None:
        return True
    return any(Marker(str(req.marker)).evaluate({**target.markers, "extra": e}) for e in ({""} | extras))


def resolve(requirements: Iterable[str], target: Target, cache: Path,
            progress: Callable[[str], None] = lambda _: None) -> Resolution:
    """The closure of ``requirements`` for ``target``, as wheels in ``cache`` (reused when already resolved)."""
    reqs = sorted(requirements)
    dest = cache / target.name
    dest.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(json.dumps([reqs, target.name, sorted(target.provided)]).encode()).hexdigest()[:16]
    lock = dest / f"lock-{key}.json"
    if lock.exists():
        data = json.loads(lock.read_text())
        res = Resolution({k: dest / v for k, v in data["wheels"].items()}, data["provided"], data["unavailable"])
        if all(p.exists() for p in res.wheels.values()):
            progress(f"{target.name}: {len(res.wheels)} wheels from the cached resolution {lock.name}")
            return res

    specs: dict[str, SpecifierSet] = {}
    extras: dict[str, set[str]] = {}
    res = Resolution()
    pending = [Requirement(r) for r in reqs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        while pending:
            todo: dict[str, Requirement] = {}
            for req in pending:
                name = canonicalize_name(req.name)
                old_spec, old_extras = specs.get(name), extras.get(name, set())
                specs[name] = (old_spec or SpecifierSet()) & req.specifier
                extras[name] = old_extras | set(req.extras)
                have = res.wheels.get(name)
                satisfied = have is not None and specs[name].contains(str(parse_wheel_filename(have.name)[1]), True)
                if old_spec is None or not satisfied or extras[name] != old_extras:
                    todo[name] = req
            pending = []
            names = [n for n in todo if n not in res.provided and n not in res.unavailable]
            progress(f"{target.name}: fetching {len(names)} wheel(s): {', '.join(names)}")
            fetched = pool.map(lambda n: _download(f"{n}{specs[n]}", target, dest), names)
            for name, wheel in zip(names, fetched, strict=True):
                if wheel is None:
                    (res.provided if name in target.provided else res.unavailable).append(name)
                    res.wheels.pop(name, None)
                    continue
                res.wheels[name] = wheel
                for line in requires_dist(wheel):
                    dep = Requirement(line)
                    if _wanted(dep, target, extras[name]):
                        pending.append(dep)
    res.provided.sort()
    res.unavailable.sort()
    lock.write_text(json.dumps({"requirements": reqs, "wheels": {k: p.name for k, p in sorted(res.wheels.items())},
                                "provided": res.provided, "unavailable": res.unavailable}, indent=2))
    return res

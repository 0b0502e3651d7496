"""Bundle size: the Workers upload (ours vs the heavy dependency set), the leancore wheel and core alone.

Sizes in bytes, recorded with ``record``; the budgets (3 MB zipped upload, core wheel) are in budgets.toml.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest

from bench._bundle import HEAVY_SET, Bundle, build_wheel, measure, workers_requirements, zip_project
from bench._resolve import NATIVE, PYODIDE, Target
from bench._results import RESULTS_DIR
from bench.conftest import Progress, Record

CACHE = RESULTS_DIR / "wheels"


def _details(bundle: Bundle, **extra: object) -> dict[str, object]:
    return {
        "target": bundle.target,
        "requirements": bundle.requirements,
        "files": bundle.files,
        "bytes_on_disk": bundle.bytes,
        "parts": [asdict(p) for p in bundle.top(len(bundle.parts))],
        "provided_by_runtime": bundle.provided,
        "unavailable": bundle.unavailable,
        **extra,
    }


def test_workers_upload(record: Record, progress: Progress) -> None:
    """Our Workers upload (code + vendored Pyodide closure) is measured zipped, on disk, and without Pyodide's own."""
    reqs, source = workers_requirements()
    bundle = measure(reqs, PYODIDE, CACHE, include_project=True, progress=progress)
    assert bundle.unavailable == [], f"no Pyodide wheel and not in Pyodide: {bundle.unavailable}"
    details = _details(bundle, requirements_from=source)
    record("bundle.upload.zip", bundle.zipped, "B", **details)
    record("bundle.upload.files", bundle.bytes, "B", files=bundle.files)
    in_pyodide = sorted(p.name for p in bundle.parts if p.in_pyodide)
    record("bundle.upload.excluding_pyodide.zip", bundle.zipped_where(lambda p: not p.in_pyodide), "B",
           left_out=in_pyodide)


@pytest.mark.parametrize("target", [PYODIDE, NATIVE], ids=lambda t: t.name)
def test_heavy_set(target: Target, record: Record, progress: Progress) -> None:
    """The original system's dependency set, resolved and zipped the same way, for Pyodide and for a Linux server."""
    bundle = measure(list(HEAVY_SET), target, CACHE, include_project=False, progress=progress)
    kind = "pyodide" if target is PYODIDE else "native"
    record(f"bundle.heavy.{kind}.zip", bundle.zipped, "B", **_details(bundle))
    record(f"bundle.heavy.{kind}.files", bundle.bytes, "B", files=bundle.files)


def test_ours_native(record: Record, progress: Progress) -> None:
    """Our runtime closure as CPython 3.11 Linux wheels: the like-for-like of the heavy set's native figure."""
    reqs, source = workers_requirements()
    bundle = measure(reqs, NATIVE, CACHE, include_project=True, progress=progress)
    record("bundle.ours.native.zip", bundle.zipped, "B", **_details(bundle, requirements_from=source))


def test_wheel_and_core(record: Record) -> None:
    """The leancore wheel as built by its build backend, and core/ alone zipped."""
    wheel = build_wheel()
    record("bundle.wheel", wheel.stat().st_size, "B", wheel=wheel.name)
    core = zip_project(only="core")
    record("bundle.core.zip", core.zipped + 22, "B", files=core.files, bytes_on_disk=core.bytes)

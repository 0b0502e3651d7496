"""Cold import of every core module vs the heavy trio it replaces (python-jose, passlib, email-validator).

Fresh interpreter processes, CPU time, median of ``COLD_RUNS`` interleaved samples (bench/_coldstart.py). The
interpreter's own start (``python -c pass``, same run) is subtracted sample by sample, so the figures are the import
cost alone and the ratio is not diluted by a constant both sides pay.
"""

from __future__ import annotations

import pkgutil

import core
from bench._coldstart import median, python_code_cpu_ms
from bench.conftest import COLD_RUNS, Progress, Record

# The libraries leancore removes, as the original system imported them (jose.jwt, passlib's CryptContext).
HEAVY_TRIO = ("jose.jwt", "passlib.context", "email_validator")


def core_modules() -> list[str]:
    """Every module of core that exists now (modules still to be written are simply not imported yet).

    ``__main__`` modules are programs (``python -m core.initialization``), not something importing core loads.
    """
    names = (m.name for m in pkgutil.walk_packages(core.__path__, prefix="core."))
    return ["core", *sorted(n for n in names if not n.endswith(".__main__"))]


def _import_code(modules: list[str] | tuple[str, ...]) -> str:
    return "import " + ", ".join(modules)


def test_cold_import_core_vs_heavy_trio(record: Record, progress: Progress) -> None:
    """Importing all of core and importing the heavy trio are timed in the same fresh-process loop."""
    modules = core_modules()
    codes = {"bare": "pass", "core": _import_code(modules), "trio": _import_code(HEAVY_TRIO)}
    progress(f"cold import: {COLD_RUNS} interleaved fresh processes x {len(codes)} ({', '.join(modules)})")
    samples = python_code_cpu_ms(codes, COLD_RUNS)
    net = {name: median([s - b for s, b in zip(samples[name], samples["bare"], strict=True)])
           for name in ("core", "trio")}
    common = {"runs": COLD_RUNS, "bare_ms": median(samples["bare"])}
    record("import.core.all", net["core"], "ms", modules=modules, raw_ms=median(samples["core"]), **common)
    record("import.heavy_trio", net["trio"], "ms", modules=list(HEAVY_TRIO), raw_ms=median(samples["trio"]),
           **common)
    progress(f"cold import: core {net['core']:.1f} ms, trio {net['trio']:.1f} ms (net of {common['bare_ms']:.1f})")

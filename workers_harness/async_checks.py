"""A minimal runner for async checks inside Pyodide (used by run_d1_checks.mjs).

pytest cannot drive these: a D1 call resolves only when the JavaScript event loop runs, and pytest's synchronous
call stack never yields to it (Pyodide on Node 20 has no JSPI to block on a promise). So: every
``async def test_*(env)`` of a check module, in source order, awaited one by one, each with its docstring as the
behaviour it pins; a failure prints its traceback and the run goes on. The JS side exits non-zero on any failure.
"""

from __future__ import annotations

import inspect
import time
import traceback
from types import ModuleType
from typing import Any


async def run_module(module: ModuleType, env: Any) -> tuple[int, int]:
    """Await each ``test_*`` coroutine function of ``module`` with ``env``; return (passed, failed)."""
    tests = [(n, f) for n, f in vars(module).items() if n.startswith("test_") and inspect.iscoroutinefunction(f)]
    passed = failed = 0
    if not tests:
        print(f"{module.__name__}: FAILED - no async test_* functions")
        return 0, 1
    for name, fn in tests:
        doc = (fn.__doc__ or "").strip()
        start = time.perf_counter()
        try:
            if not doc:
                raise AssertionError("every check needs a one-sentence docstring saying the behaviour it pins")
            await fn(env)
        except BaseException:
            failed += 1
            print(f"FAILED {module.__name__}::{name} - {doc}")
            traceback.print_exc()
        else:
            passed += 1
            print(f"PASSED {module.__name__}::{name} ({(time.perf_counter() - start) * 1000:.0f} ms) - {doc}")
    return passed, failed

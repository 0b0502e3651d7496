"""pytest plugin loaded only inside Pyodide (``-p pyodide_pytest_plugin`` from run_core_tests.mjs).

It refuses to run anywhere but Pyodide, refuses to run if ``hashlib.pbkdf2_hmac`` exists or ``_hmac`` is missing
(then core's PBKDF2 and JWT MAC would not take the one-shot HACL* HMAC path Workers runs, and its tests, skipped on
CPython 3.10-3.13, would be skipped here too), and turns the few tests that cannot run inside Pyodide by nature into
skips that carry their reason, so they show in the ``-ra`` summary.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import selectors
import sys
import time
from typing import Any

import pytest

# Markers whose tests need something Pyodide does not have, with the reason shown for each skipped test.
# A ``cpython_only`` marker must give its own reason: ``@pytest.mark.cpython_only(reason="...")``.
NEEDS_HOST = {
    "postgres": "needs a PostgreSQL server over TCP; Pyodide has no sockets (D1 is the Workers database)",
}


class _NoIOSelector(selectors.BaseSelector):
    """A selector with no file descriptors: ``select(timeout)`` just waits out the timeout (timers still fire)."""

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        raise OSError("no file descriptors in the Pyodide test loop")

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        raise KeyError(fileobj)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout:
            time.sleep(timeout)
        return []

    def get_map(self) -> dict[Any, selectors.SelectorKey]:
        return {}


class _SyncLoop(asyncio.SelectorEventLoop):
    """asyncio's own loop minus its self-pipe (Pyodide's ``socket.socketpair`` fails with EINVAL)."""

    def __init__(self) -> None:
        super().__init__(_NoIOSelector())

    def _make_self_pipe(self) -> None:
        pass

    def _close_self_pipe(self) -> None:
        pass

    def _write_to_self(self) -> None:
        pass

    def _process_self_data(self, data: bytes) -> None:
        pass


_asyncio_run = asyncio.run


def _run(main: Any, *, debug: bool | None = None, loop_factory: Any = None) -> Any:
    # Pyodide marks its WebLoop as the running loop for the whole session (the JS event loop is always "running"),
    # so asyncio.run would refuse ("cannot be called from a running event loop"): step out of it for the call.
    outer = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        return _asyncio_run(main, debug=debug, loop_factory=loop_factory or _SyncLoop)
    finally:
        asyncio.events._set_running_loop(outer)


def pytest_configure(config: pytest.Config) -> None:
    if sys.platform != "emscripten":
        raise pytest.UsageError("pyodide_pytest_plugin is for runs inside Pyodide only")
    if hasattr(hashlib, "pbkdf2_hmac"):
        raise pytest.UsageError(
            "hashlib.pbkdf2_hmac exists in this Pyodide: core's PBKDF2 fallback (the path Workers forces) would not "
            "be exercised; revisit the harness for this Pyodide version"
        )
    if importlib.util.find_spec("_hmac") is None:
        raise pytest.UsageError(
            "no _hmac in this Pyodide: core's one-shot HMAC paths (PBKDF2, JWT MAC) would go untested; revisit the "
            "harness for this Pyodide version"
        )
    # Pyodide's default loop (WebLoop) cannot block: its asyncio.run needs JSPI stack switching, which Node 20
    # lacks. Core's async code (SQLite inline, initialisation) does no I/O the loop must wait on, so tests run it on
    # asyncio's own loop with a selector that has no descriptors. D1 calls need the JS event loop: those are
    # checked by run_d1_checks.mjs instead.
    asyncio.run = _run


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("cpython_only")
        if marker is not None:
            reason = marker.kwargs.get("reason")
            if not reason:
                raise pytest.UsageError(f"{item.nodeid}: cpython_only needs reason=...")
            item.add_marker(pytest.mark.skip(reason=f"CPython only: {reason}"))
            continue
        for name, reason in NEEDS_HOST.items():
            if item.get_closest_marker(name) is not None:
                item.add_marker(pytest.mark.skip(reason=f"{name}: {reason}"))
                break


def pytest_report_header(config: pytest.Config) -> list[str]:
    import pyodide  # exists only inside Pyodide

    return [
        f"Pyodide {pyodide.__version__}, Python {sys.version.split()[0]} on {sys.platform}",
        "hashlib.pbkdf2_hmac: absent, _hmac: present -> core's PBKDF2 runs its one-shot HACL* HMAC path by default "
        "(the copy loop is tested too)",
    ]

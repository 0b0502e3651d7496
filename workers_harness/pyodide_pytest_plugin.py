"""pytest plugin loaded only inside Pyodide (``-p pyodide_pytest_plugin`` from run_core_tests.mjs).

It refuses to run anywhere but Pyodide, refuses to run if ``hashlib.pbkdf2_hmac`` exists (then core's pure-Python
PBKDF2 fallback, the path Workers forces, would not be the one under test), and turns the few tests that cannot run
inside Pyodide by nature into skips that carry their reason, so they show in the ``-ra`` summary.
"""

from __future__ import annotations

import hashlib
import sys

import pytest

# Markers whose tests need something Pyodide does not have, with the reason shown for each skipped test.
# A ``cpython_only`` marker must give its own reason: ``@pytest.mark.cpython_only(reason="...")``.
NEEDS_HOST = {
    "postgres": "needs a PostgreSQL server over TCP; Pyodide has no sockets (D1 is the Workers database)",
}


def pytest_configure(config: pytest.Config) -> None:
    if sys.platform != "emscripten":
        raise pytest.UsageError("pyodide_pytest_plugin is for runs inside Pyodide only")
    if hasattr(hashlib, "pbkdf2_hmac"):
        raise pytest.UsageError(
            "hashlib.pbkdf2_hmac exists in this Pyodide: core's PBKDF2 fallback (the path Workers forces) would not "
            "be exercised; revisit the harness for this Pyodide version"
        )


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
        "hashlib.pbkdf2_hmac: absent -> core's pure-Python PBKDF2 fallback is the path under test",
    ]

"""worker.py's module level on CPython with the installed fastapi: every import it makes and the route and
middleware state it builds (the Workers SDK ``workers`` exists only inside the Workers runtime, so a minimal
stand-in providing the two names worker.py takes from it is installed for the import)."""

from __future__ import annotations

import ast
import importlib.util
import sys
import types
from pathlib import Path

import pytest

WORKER = Path(__file__).resolve().parents[1] / "worker.py"
SDK = "workers"  # provided by the Workers runtime (Pyodide), not installable on CPython


def _imported_names() -> list[tuple[str, str | None]]:
    """(module, name) for every top-level import in worker.py; name None for a plain ``import module``."""
    found: list[tuple[str, str | None]] = []
    for node in ast.parse(WORKER.read_text()).body:
        if isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
            found.extend((node.module, alias.name) for alias in node.names)
    return found


@pytest.mark.parametrize(("module", "name"), [i for i in _imported_names() if i[0] != SDK],
                         ids=str)
def test_every_module_worker_py_imports_exists_in_the_installed_versions(module: str, name: str | None) -> None:
    """Each module worker.py imports (fastapi.telemetry, fastapi.routing.iter_route_contexts, core, api) resolves."""
    imported = importlib.import_module(module)
    if name is not None:
        assert hasattr(imported, name) or importlib.util.find_spec(f"{module}.{name}") is not None


def _load_worker(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """worker.py imported with the SDK's two names stood in."""
    sdk = types.ModuleType(SDK)
    sdk.WorkerEntrypoint = type("WorkerEntrypoint", (), {})  # type: ignore[attr-defined]
    sdk.asgi = types.SimpleNamespace()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, SDK, sdk)
    spec = importlib.util.spec_from_file_location("worker_under_test", WORKER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_worker_module_level_builds_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing worker.py (with the SDK's two names stood in) builds the app and its middleware stack."""
    module = _load_worker(monkeypatch)
    sdk = sys.modules[SDK]
    assert any(getattr(route, "path", None) == "/auth/login" for route in module.app.routes)
    assert module.app.middleware_stack is not None
    assert issubclass(module.Default, sdk.WorkerEntrypoint)


async def _never_answers() -> None:
    import asyncio

    await asyncio.Event().wait()


def test_the_workers_d1_calls_are_bounded_by_database_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Worker's D1 database takes DATABASE_TIMEOUT as its per-call bound: a binding that never answers is
    DatabaseUnavailableError after that long, as a stalled PostgreSQL is on a server."""
    import asyncio

    from core.db import DatabaseUnavailableError
    from core.settings import Settings

    class Stalled:
        def prepare(self, sql: str) -> Stalled:
            return self

        def bind(self, *args: object) -> Stalled:
            return self

        def first(self) -> object:
            return _never_answers()

        all = run = first

    module = _load_worker(monkeypatch)
    db = module._database(types.SimpleNamespace(DB=Stalled()), Settings(database_timeout=0.05))
    with pytest.raises(DatabaseUnavailableError):
        asyncio.run(asyncio.wait_for(db.fetch_one("SELECT 1"), 10))  # the outer bound only guards the test run

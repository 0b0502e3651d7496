"""The Cloudflare Python Worker (wrangler.toml: main = "worker.py"): the api app over D1, and the cron initialiser.

Module level builds the app's routes only (no settings, no database, no randomness): Workers imports this module
at deploy time and snapshots the memory, so anything done here is paid once, not per cold start. For the same
reason it also does, here, the deterministic work a first request would otherwise do after every restore (measured
in Pyodide 314, docs/pyodide-harness.md "Snapshot start"): importing the modules the request paths import lazily
(a module first imported after the restore is compiled from source then), and building FastAPI's per-route state
and Starlette's middleware stack, which both are built on the first request (~0.45 s of CPU inside Pyodide).
"""

from __future__ import annotations

import hashlib  # noqa: F401 - core.jwt imports it on the first sign/verify (import budget); a Worker gets it snapshotted
import json

# The request paths' lazy imports, loaded now so that they are part of the snapshot (import order does not matter:
# none of these reads settings, the environment or the clock at import). fastapi.telemetry._runtime: FastAPI
# imports it for the lifespan scope the SDK's asgi.fetch sends with every first request.
import fastapi.telemetry._runtime  # noqa: F401
from fastapi.routing import iter_route_contexts
from workers import WorkerEntrypoint, asgi

import core.emails  # registration, profile updates
import core.jwt  # every authenticated route
import core.migrations  # /system/status, initialisation
import core.passwords  # noqa: F401 - login, registration
from api import configure_app, create_app
from core.db import D1Database
from core.initialization import initialize_database, is_database_initialized
from core.settings import Settings
from core.workers_env import WorkersEnv

app = create_app()
# FastAPI (0.16x) resolves each included route's dependencies, body and response fields (pydantic TypeAdapters) on
# the first request that reaches its router, and Starlette builds the middleware stack on the first call. Both
# are pure functions of the routes: build them now, once, inside the snapshot. (create_app adds its routes directly,
# so their state is already built; the walk keeps any included router's state in the snapshot too.)
for _ in iter_route_contexts(app.router.routes):
    pass
app.middleware_stack = app.build_middleware_stack()


def _database(env: object, settings: Settings) -> D1Database:
    # the [[d1_databases]] binding "DB"; each call bounded as on a server (DATABASE_TIMEOUT), so a stalled D1 is a 503
    return D1Database(env.DB, call_timeout=settings.database_timeout)  # type: ignore[attr-defined]


class Default(WorkerEntrypoint):
    _configured = False  # per isolate: settings and the binding do not change while it lives

    async def fetch(self, request):  # type: ignore[no-untyped-def]
        if not Default._configured:
            settings = Settings.from_env(WorkersEnv(self.env))
            configure_app(app, settings=settings, database=_database(self.env, settings))
            Default._configured = True
        return await asgi.fetch(app, request.js_object, self.env)

    async def scheduled(self, controller, env, ctx):  # type: ignore[no-untyped-def]
        settings = Settings.from_env(WorkersEnv(self.env))
        db = _database(self.env, settings)
        if await is_database_initialized(db):
            print(json.dumps({"event": "scheduled", "initialized": True, "changed": False}))
            return
        report = await initialize_database(db, settings)
        print(json.dumps({"event": "scheduled", "changed": report.changed, **report.to_dict()}, ensure_ascii=False))

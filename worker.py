"""The Cloudflare Python Worker (wrangler.toml: main = "worker.py"): the api app over D1, and the cron initialiser.

Module level builds the app's routes only (no settings, no database, no randomness): Workers imports this module
at deploy time and snapshots the memory, so anything done here is paid once, not per cold start.
"""

from __future__ import annotations

import json

from workers import WorkerEntrypoint, asgi

from api import configure_app, create_app
from core.db import D1Database
from core.initialization import initialize_database, is_database_initialized
from core.settings import Settings
from core.workers_env import WorkersEnv

app = create_app()


def _database(env: object) -> D1Database:
    return D1Database(env.DB)  # type: ignore[attr-defined]  # the [[d1_databases]] binding "DB"


class Default(WorkerEntrypoint):
    _configured = False  # per isolate: settings and the binding do not change while it lives

    async def fetch(self, request):  # type: ignore[no-untyped-def]
        if not Default._configured:
            configure_app(app, settings=Settings.from_env(WorkersEnv(self.env)), database=_database(self.env))
            Default._configured = True
        return await asgi.fetch(app, request.js_object, self.env)

    async def scheduled(self, controller, env, ctx):  # type: ignore[no-untyped-def]
        db = _database(self.env)
        if await is_database_initialized(db):
            print(json.dumps({"event": "scheduled", "initialized": True, "changed": False}))
            return
        report = await initialize_database(db, Settings.from_env(WorkersEnv(self.env)))
        print(json.dumps({"event": "scheduled", "changed": report.changed, **report.to_dict()}, ensure_ascii=False))

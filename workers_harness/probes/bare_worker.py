"""The no-snapshot baseline: a bare FastAPI app with as many routes and models as the leancore api, behind the same
entry point (workers-runtime-sdk's ``asgi.fetch``), and a ``GET /system/health`` to serve as the first request.

Counts come from the guest environment (``BARE_ROUTES``, ``BARE_MODELS``), measured from the leancore app by
probes/worker_start.mjs. No settings, no auth layer: this is what FastAPI alone costs for an app of that shape. Its
health check runs the same one D1 query as leancore's (``SELECT 1 AS ok`` through ``env.DB``), so the two first
requests differ by the layer, not by a database round trip (Pyodide FFI + miniflare's proxy, timed on both sides).
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, create_model
from workers import WorkerEntrypoint, asgi

ROUTES = int(os.environ["BARE_ROUTES"])
MODELS = int(os.environ["BARE_MODELS"])


class Health(BaseModel):
    status: str
    database: str | None = None


# Models shaped like an api's schemas (a few scalar fields, an optional one); Health counts as one of them.
models: list[type[BaseModel]] = [Health] + [
    create_model(f"Model{i}", id=(int, ...), name=(str, ...), email=(str, ...), active=(bool, True),
                 note=(str | None, None))
    for i in range(1, MODELS)
]

app = FastAPI()
_env: dict[str, Any] = {}  # the Worker's env, set by the entry point (the health check's D1 binding)


@app.get("/system/health", response_model=Health)
async def health() -> Any:
    await _env["DB"].prepare("SELECT 1 AS ok").first()
    return {"status": "healthy", "database": "ok"}


def _route(i: int) -> None:
    model = models[i % len(models)]

    async def endpoint(body: model) -> Any:  # type: ignore[valid-type]
        return body

    app.post(f"/r{i}", response_model=model)(endpoint)


for _i in range(1, ROUTES):
    _route(_i)


class Default(WorkerEntrypoint):
    async def fetch(self, request):  # type: ignore[no-untyped-def]
        _env["DB"] = self.env.DB
        return await asgi.fetch(app, request.js_object, self.env)

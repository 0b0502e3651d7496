"""The application factory.

``create_app`` only builds routes: it reads no settings, opens no database, draws no random numbers (Workers runs
it at deploy time inside a memory snapshot). The context resolves settings and the database on first use, or
``configure_app`` installs them (the Worker does, from its ``env``). On CPython servers the lifespan resolves
settings at startup (so a production app without ``SECRET_KEY`` fails to start, loudly) and initialises the
database when ``INIT_ON_STARTUP`` is true.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from api import _core, accounts
from api.context import ON_PYODIDE, AppContext
from api.cors import Cors
from api.errors import install_error_handlers
from api.middleware import BodySizeLimit, StrictJsonBody
from api.routers import auth, me, password_reset, site_settings, system, users
from api.routers.system import UNINITIALIZED
from api.schemas import ErrorBody

if TYPE_CHECKING:
    from core.db import Database
    from core.settings import Settings

log = logging.getLogger("leancore.api")


async def initialize_on_startup(context: AppContext) -> None:
    db = await context.database()
    report = await _core.initialization.initialize_database(db, context.settings, hasher=context.hasher.hash)
    context.events.emit("initialization_run", via="startup", ok=report.ok, changed=report.changed,
                        schema_version=report.schema_version, errors=len(report.errors))
    if not report.ok:
        log.error("initialisation on startup failed: %s", "; ".join(report.errors))
    context.initialized = report.ok


async def report_uninitialized(context: AppContext) -> None:
    """Without INIT_ON_STARTUP: one warning line at startup if the database is not initialised, saying what to run."""
    try:
        context.initialized = await _core.initialization.is_database_initialized(await context.database())
    except _core.db.DatabaseError as exc:
        log.error("the database cannot be checked at startup: %s", exc)
        return
    if not context.initialized:
        log.warning("%s; /system/health answers 503 until then", UNINITIALIZED)


async def report_missing_super_admin(context: AppContext) -> None:
    """On an initialised database without an active super admin: one warning line saying how to create one."""
    try:
        found = await accounts.any_active_super_admin(await context.database())
    except _core.db.DatabaseError as exc:
        log.error("the users table cannot be read at startup: %s", exc)
        return
    if not found:
        log.warning("no active super admin exists: create one with python -m api create-admin --email EMAIL "
                    "(or set ADMIN_EMAIL and SUPER_ADMIN_PASSWORD and initialise)")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    context: AppContext = app.state.leancore
    if not ON_PYODIDE:
        settings = context.settings  # a SettingsError here stops the server with every problem listed
        context.check_settings()
        _ = context.secret_key  # development without SECRET_KEY: the warning comes now, not at the first login
        if settings.init_on_startup:
            await initialize_on_startup(context)
        else:
            await report_uninitialized(context)
        if context.initialized:
            await report_missing_super_admin(context)
    try:
        yield
    finally:
        await context.close()


def _error_body_schema() -> dict[str, Any]:
    """ErrorBody's component schema exactly as FastAPI emits a response model's (only when the docs are asked for)."""
    from fastapi.openapi.utils import get_openapi
    from fastapi.routing import APIRoute

    async def error() -> None:  # pragma: no cover - never routed, only described
        return None

    route = APIRoute("/error", error, response_model=ErrorBody)
    schema: dict[str, Any] = get_openapi(title="", version="", routes=[route])["components"]["schemas"]["ErrorBody"]
    return schema


def _error_schemas(openapi: dict[str, Any]) -> dict[str, Any]:
    """FastAPI documents 422 as ``HTTPValidationError``; our handler answers ``ErrorBody``: say so."""
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    for path in openapi.get("paths", {}).values():
        for operation in path.values():
            response = operation.get("responses", {}).get("422")
            if response is not None:
                response["content"] = {"application/json": {"schema": ref}}
    components = openapi.setdefault("components", {})
    schemas = components.get("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    # Routes reference ErrorBody without a model (api.schemas.ERROR_RESPONSE): its schema, as FastAPI would emit it
    # for a response model, goes in here; FastAPI sorts the component schemas by name, so do we.
    schemas["ErrorBody"] = _error_body_schema()
    components["schemas"] = dict(sorted(schemas.items()))
    return openapi


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """Build the app; ``settings``/``database`` default to ``Settings.from_env()`` / ``connect(url)`` on first use."""
    app = FastAPI(title="leancore", version="0.1.0", lifespan=lifespan)
    app.state.leancore = AppContext(settings, database)
    install_error_handlers(app)
    app.add_middleware(StrictJsonBody)
    app.add_middleware(BodySizeLimit)  # added after, so it runs before: it bounds what StrictJsonBody reads
    app.add_middleware(Cors, context=app.state.leancore)  # outermost: error answers get CORS headers too
    # /system first: routes are matched in order, and /system/health is the hot path of every load balancer.
    # Added directly (not include_router): FastAPI builds each route's state once (api/routers/_table.py).
    # /users/me before /users/{user_id}, which would take "me" for an id.
    for module in (system, auth, password_reset, me, users, site_settings):
        module.router.install(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _error_schemas(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def configure_app(app: FastAPI, *, settings: Settings, database: Database) -> None:
    """Install settings and a database into an app from :func:`create_app`; the same objects again: a no-op."""
    context: AppContext = app.state.leancore
    context.configure(settings=settings, database=database)

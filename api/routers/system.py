"""``/system``: health (public), status (super admin) and database initialisation (init secret or super admin).

``initialize-database`` accepts either credential: ``X-Init-Secret`` equal to ``INIT_SECRET`` (compared in constant
time; with ``INIT_SECRET`` unset any secret is wrong) or a super admin's bearer token. No credential: 401; a
wrong one: 403. Every call counts against the per-client and the global rate limits first (api/throttle.py), so
the secret cannot be guessed fast and rotating addresses cannot run initialisation without bound.
Before migration 0002 exists there is no rate-limit table; the limit then cannot apply (the call that creates it
is the one being made), which the log records.
"""

# Annotations are evaluated here, not postponed: FastAPI reads them at app build (api/routers/_table.py).
import asyncio
import hmac
import sys
import time
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response

from api import _core, accounts
from api.clients import client_id
from api.context import ON_PYODIDE
from api.deps import DB, Context, SuperAdmin, bearer_scheme
from api.errors import ApiError, error_body, forbidden, unauthorized
from api.routers._table import RouteTable
from api.schemas import ERROR_RESPONSE, Health, InitializationReport, Status, error_responses
from api.throttle import INIT_GLOBAL_LIMIT, INIT_LIMIT, client_key
from api.tokens import user_from_token

router = RouteTable(prefix="/system", tags=["system"])


_HEALTHY = b'{"status":"healthy","database":"ok"}'
# Load balancers wait about a second for a health answer: the database gets 0.75 s of it, the rest is the round
# trip. Past it the answer is 503, whatever the database's own timeouts are.
HEALTH_TIMEOUT_SECONDS = 0.75
UNINITIALIZED = ("the database is not initialised: run python -m core.initialization, POST "
                 "/system/initialize-database, or start with INIT_ON_STARTUP=true")


async def _ping(context: Any, check_initialized: bool) -> None:
    db = await context.database()
    await db.fetch_one("SELECT 1 AS ok")
    if check_initialized:
        await _read_initialized(context, db)


async def _read_initialized(context: Any, db: Any) -> None:
    context.initialized = await _core.initialization.is_database_initialized(db)


@router.get("/health", response_model=Health, response_model_exclude_none=True, responses={503: {"model": Health}})
async def health(request: Request) -> Any:
    """Healthy when the database answers a trivial query within 0.75 s and is initialised; 503 otherwise.

    The hot path of load balancers: no dependency resolution, a prebuilt body (measured in bench/test_api_bench.py).
    On CPython servers, until every shipped migration is seen applied, each call also reads the migrations table
    (503 "uninitialized"); after that, never. Not on Workers, whose cron initialises the database: there the first
    request is a health check inside the 1 s startup limit, and reading the shipped migration files would cost it
    (workers.snapshot.first_request, bench/test_workers_bench.py).
    """
    context = request.app.state.leancore
    db = context.open_database
    check_initialized = not context.initialized and not ON_PYODIDE
    try:
        if db is not None and db.dialect == "sqlite":
            # Inline on the loop: no timer could interrupt it, and the busy and statement timeouts bound it already.
            await db.fetch_one("SELECT 1 AS ok")
            if check_initialized:
                await _read_initialized(context, db)
        elif sys.version_info >= (3, 11):  # asyncio.timeout: a timer, where wait_for adds a task per call
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                await _ping(context, check_initialized)
        else:
            await asyncio.wait_for(_ping(context, check_initialized), HEALTH_TIMEOUT_SECONDS)
    except (_core.db.DatabaseError, asyncio.TimeoutError) as exc:
        code = exc.code if isinstance(exc, _core.db.DatabaseError) else "database_unavailable"
        return JSONResponse({"status": "unhealthy", "database": "unavailable",
                             **error_body(code, "the database is unavailable")}, status_code=503)
    if check_initialized and not context.initialized:
        return JSONResponse({"status": "uninitialized", "database": "ok",
                             **error_body("database_uninitialized", UNINITIALIZED)}, status_code=503)
    return Response(_HEALTHY, media_type="application/json")


def _runtime() -> dict[str, str]:
    python = sys.version.split()[0]  # what platform.python_version() reports
    if ON_PYODIDE:
        return {"implementation": "Pyodide", "python": python, "platform": sys.platform}
    # Imported here, not at module level: Pyodide's standard library ships as source only, so a module-level
    # `import platform` (49 kB) cost every Worker start ~30 ms of CPU to compile (workers_harness, nosnapshot).
    import platform

    return {"implementation": platform.python_implementation(), "python": python, "platform": sys.platform}


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("leancore")
    except metadata.PackageNotFoundError:
        return "unknown"


# Maintenance never closes /system/*, so its 503 is the database's alone, which says no Retry-After: the plain body,
# not error_responses' 503 (api.schemas.UNAVAILABLE_RESPONSE, for the routes the maintenance gate stops).
_DATABASE_503: dict[int | str, dict[str, Any]] = {503: ERROR_RESPONSE}


@router.get("/status", response_model=Status, responses={**error_responses(401, 403), **_DATABASE_503})
async def status(_: SuperAdmin, context: Context, db: DB) -> Any:
    """Runtime, database, users (and the ids of accounts whose addresses collide: give each a distinct address),
    password policy, package version and security-event counters."""
    initialization, migrations = _core.initialization, _core.migrations
    applied = await migrations.applied_migrations(db)
    users = await accounts.count(db)
    hasher = context.hasher
    return {
        "version": _version(),
        "runtime": _runtime(),
        "database": {"type": db.dialect, "initialized": await initialization.is_database_initialized(db),
                     "migrations": applied, "schema_version": max(map(migrations.version_of, applied), default=0)},
        "users": users,
        "email_collisions": (await initialization.email_collisions(db)
                             if initialization.EMAIL_KEY_MIGRATION in applied else []),
        "password_policy": {"scheme": hasher.scheme, "rounds": hasher.rounds, "min_rounds": hasher.min_rounds,
                            "max_password_bytes": hasher.max_password_bytes},
        "security_events": context.events.snapshot(),
        "uptime_seconds": round(time.monotonic() - context.started, 3),
    }


@router.post("/initialize-database", response_model=InitializationReport,
             responses={**error_responses(401, 403, 429), **_DATABASE_503})
async def initialize_database(
    request: Request, context: Context, db: DB,
    x_init_secret: Annotated[str | None, Header(max_length=1024)] = None,
    token: Annotated[str | None, Depends(bearer_scheme)] = None,
) -> Any:
    """Run the idempotent initialisation (migrations, super admin, site settings) and return its report."""
    client = client_id(request)
    try:
        refusal = await context.limiter.first_refusal(
            db, [("client", f"init:{client_key(client)}", INIT_LIMIT), ("global", "init-global", INIT_GLOBAL_LIMIT)])
    except _core.db.DatabaseUnavailableError:
        raise
    except _core.db.DatabaseError:
        context.events.emit("rate_limit_unavailable", scope="init", client=client)
        refusal = None
    if refusal is not None:
        context.events.emit("throttled", scope="init", limit=refusal.scope, client=client, hits=refusal.verdict.hits)
        raise ApiError(429, "rate_limited", "too many initialisation requests; try again later",
                       {"Retry-After": str(refusal.verdict.retry_after)})
    settings = context.settings
    if x_init_secret is not None:
        expected = settings.init_secret
        if expected is None:
            context.events.emit("init_denied", reason="no_init_secret_configured", client=client)
            raise forbidden("no init secret is configured on this server (INIT_SECRET is unset); "
                            "use a super admin's bearer token")
        if not hmac.compare_digest(x_init_secret.encode(), expected.encode()):
            context.events.emit("init_denied", reason="wrong_init_secret", client=client)
            raise forbidden("the init secret is not correct")
        via = "init_secret"
    elif token:
        user = await user_from_token(request, context, db, token)
        if not user["is_superuser"]:
            context.events.emit("init_denied", reason="not_super_admin", client=client)
            raise forbidden("super admin only")
        via = "super_admin"
    else:
        raise unauthorized("not_authenticated", "send X-Init-Secret or a super admin's bearer token")
    report = await _core.initialization.initialize_database(db, settings, hasher=context.hasher.hash)
    context.events.emit("initialization_run", via=via, client=client, ok=report.ok, changed=report.changed,
                        schema_version=report.schema_version, errors=len(report.errors))
    if not report.ok:
        return JSONResponse(error_body("initialization_failed", "; ".join(report.errors)[:500],
                                       report=report.to_dict()), status_code=503)
    return report.to_dict()

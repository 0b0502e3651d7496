"""``/system``: health (public), status (super admin) and database initialisation (init secret or super admin).

``initialize-database`` accepts either credential: ``X-Init-Secret`` equal to ``INIT_SECRET`` (compared in constant
time; with ``INIT_SECRET`` unset any secret is wrong) or a super admin's bearer token. No credential: 401; a
wrong one: 403. Every call counts against the per-client rate limit first, so the secret cannot be guessed fast.
Before migration 0002 exists there is no rate-limit table; the limit then cannot apply (the call that creates it
is the one being made), which the log records.
"""

# Annotations are evaluated here, not postponed: FastAPI reads them at app build (api/routers/_table.py).
import hmac
import sys
import time
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response

from api.context import ON_PYODIDE
from api.deps import DB, Context, SuperAdmin, bearer_scheme, client_id, user_from_token
from api.errors import ApiError, forbidden, unauthorized
from api.routers._table import RouteTable
from api.schemas import ERROR_RESPONSE, Health, InitializationReport, Status
from api.throttle import INIT_LIMIT

router = RouteTable(prefix="/system", tags=["system"])


_HEALTHY = b'{"status":"healthy","database":"ok"}'
UNINITIALIZED = ("the database is not initialised: run python -m core.initialization, POST "
                 "/system/initialize-database, or start with INIT_ON_STARTUP=true")


@router.get("/health", response_model=Health, response_model_exclude_none=True, responses={503: {"model": Health}})
async def health(request: Request) -> Any:
    """Healthy when the database answers a trivial query and is initialised; 503 otherwise.

    The hot path of load balancers: no dependency resolution, a prebuilt body (measured in bench/test_api_bench.py).
    On CPython servers, until every shipped migration is seen applied, each call also reads the migrations table
    (503 "uninitialized"); after that, never. Not on Workers, whose cron initialises the database: there the first
    request is a health check inside the 1 s startup limit, and reading the shipped migration files would cost it
    (workers.snapshot.first_request, bench/test_workers_bench.py).
    """
    from core.db import DatabaseError, DatabaseUnavailableError

    context = request.app.state.leancore
    try:
        db = await context.database()
        await db.fetch_one("SELECT 1 AS ok")
        if not context.initialized and not ON_PYODIDE:
            from core.initialization import is_database_initialized

            context.initialized = await is_database_initialized(db)
            if not context.initialized:
                return JSONResponse({"status": "uninitialized", "database": "ok", "code": "database_uninitialized",
                                     "message": UNINITIALIZED}, status_code=503)
    except DatabaseError as exc:
        if isinstance(exc, DatabaseUnavailableError):
            await context.discard_database()
        return JSONResponse({"status": "unhealthy", "database": "unavailable", "code": exc.code,
                             "message": "the database is unavailable"}, status_code=503)
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


@router.get("/status", response_model=Status, responses=dict.fromkeys((401, 403, 503), ERROR_RESPONSE))
async def status(_: SuperAdmin, context: Context, db: DB) -> Any:
    """Runtime, database, users, password policy, package version and security-event counters."""
    from core.initialization import is_database_initialized
    from core.migrations import applied_migrations, version_of

    applied = await applied_migrations(db)
    users = await db.fetch_one("SELECT COUNT(*) AS n FROM users")
    hasher = context.hasher
    return {
        "version": _version(),
        "runtime": _runtime(),
        "database": {"type": db.dialect, "initialized": await is_database_initialized(db),
                     "migrations": applied, "schema_version": max(map(version_of, applied), default=0)},
        "users": int(users["n"]) if users else None,
        "password_policy": {"scheme": hasher.scheme, "rounds": hasher.rounds, "min_rounds": hasher.min_rounds,
                            "max_password_bytes": hasher.max_password_bytes},
        "security_events": context.events.snapshot(),
        "uptime_seconds": round(time.monotonic() - context.started, 3),
    }


@router.post("/initialize-database", response_model=InitializationReport,
             responses=dict.fromkeys((401, 403, 429, 503), ERROR_RESPONSE))
async def initialize_database(
    request: Request, context: Context, db: DB,
    x_init_secret: Annotated[str | None, Header(max_length=1024)] = None,
    token: Annotated[str | None, Depends(bearer_scheme)] = None,
) -> Any:
    """Run the idempotent initialisation (migrations, super admin, site settings) and return its report."""
    from core.db import DatabaseError, DatabaseUnavailableError
    from core.initialization import initialize_database as run

    client = client_id(request)
    try:
        verdict = await context.limiter.hit(db, f"init:{client}", INIT_LIMIT)
    except DatabaseUnavailableError:
        raise
    except DatabaseError:
        context.events.emit("rate_limit_unavailable", scope="init", client=client)
        verdict = None
    if verdict is not None and not verdict.allowed:
        context.events.emit("throttled", scope="init", client=client, hits=verdict.hits)
        raise ApiError(429, "rate_limited", "too many initialisation requests; try again later",
                       {"Retry-After": str(verdict.retry_after)})
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
    report = await run(db, settings, hasher=context.hasher.hash)
    context.events.emit("initialization_run", via=via, client=client, ok=report.ok, changed=report.changed,
                        schema_version=report.schema_version, errors=len(report.errors))
    if not report.ok:
        return JSONResponse({"code": "initialization_failed", "message": "; ".join(report.errors)[:500],
                             "report": report.to_dict()}, status_code=503)
    return report.to_dict()

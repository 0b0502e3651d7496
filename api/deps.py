"""Route dependencies: the context, the database, the current user and the super admin.

Maintenance (api/site_flags.py) is enforced here, where every route gets its database or its user: a route that
takes neither reads nothing a closed site has to protect.
"""

# Annotations are evaluated here, not postponed: FastAPI reads them at app build (api/routers/_table.py).
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from api.context import AppContext
from api.errors import ApiError, forbidden, unauthorized
from api.site_flags import exempt, in_maintenance
from api.tokens import user_from_token

if TYPE_CHECKING:
    from core.db import Database

# Documents the bearer scheme in OpenAPI; auto_error=False so a missing token gets our own JSON 401.
bearer_scheme = OAuth2PasswordBearer(tokenUrl="/auth/login", auto_error=False)


async def get_context(request: Request) -> AppContext:  # async: a sync dependency would hop to a thread
    context: AppContext = request.app.state.leancore
    return context


Context = Annotated[AppContext, Depends(get_context)]


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def _maintenance_gate(request: Request, context: AppContext, db: "Database", token: str | None) -> None:
    """During maintenance, outside the exempt paths: pass an active super admin's token, 503 to everything else.
    ``token`` None: the request's bearer token, read only then (the header is parsed during maintenance only)."""
    if exempt(request.scope["path"]) or not await context.flags.maintenance(db):
        return
    token = token or _bearer_token(request)
    if token:
        try:
            user = await user_from_token(request, context, db, token)
        except ApiError:
            user = None
        if user is not None and user["is_superuser"]:
            return
    raise in_maintenance()


async def get_database(request: Request) -> Any:  # Any: FastAPI evaluates this; core.db loads lazily
    # The context straight from the app, not through ``Context``: every ``Depends`` node is one more dependant
    # FastAPI builds per route at app build time (bench api.coldstart, workers.nosnapshot).
    context: AppContext = request.app.state.leancore
    db = await context.database()
    await _maintenance_gate(request, context, db, None)
    return db


DB = Annotated[Any, Depends(get_database)]


async def _bearer_user(request: Request, token: str | None) -> dict[str, Any]:
    context: AppContext = request.app.state.leancore
    db = await context.database()  # first, as before: an unreachable database answers 503 even without a token
    await _maintenance_gate(request, context, db, token)
    if not token:
        raise unauthorized("not_authenticated", "a bearer token is required")
    return await user_from_token(request, context, db, token)


# Flat on purpose: each takes the request and the bearer token only, and resolves the context and database itself
# (the same objects ``Context``/``DB`` give), so a route guarded by ``SuperAdmin`` costs two dependants, not seven.
async def current_user(request: Request, token: Annotated[str | None, Depends(bearer_scheme)]) -> dict[str, Any]:
    return await _bearer_user(request, token)


CurrentUser = Annotated[dict[str, Any], Depends(current_user)]


async def super_admin(request: Request, token: Annotated[str | None, Depends(bearer_scheme)]) -> dict[str, Any]:
    user = await _bearer_user(request, token)
    if not user["is_superuser"]:
        raise forbidden("super admin only")
    return user


SuperAdmin = Annotated[dict[str, Any], Depends(super_admin)]

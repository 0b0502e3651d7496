"""``/users``: account management for super admins; the last active super admin can be neither deleted nor demoted
(the rule lives in the statements themselves: api/accounts.py).
"""

# Annotations are evaluated here, not postponed: FastAPI reads them at app build (api/routers/_table.py).
from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.responses import Response

from api import accounts
from api.accounts import public_user
from api.clients import client_id
from api.deps import DB, Context, SuperAdmin
from api.errors import ApiError
from api.routers._table import RouteTable
from api.schemas import User, UserCreate, UserList, UserUpdate, error_responses

_ERRORS: dict[int | str, dict[str, Any]] = error_responses(401, 403, 422, 503)
router = RouteTable(prefix="/users", tags=["users"], responses=_ERRORS)
UserId = Annotated[int, Path(ge=1, le=2**63 - 1)]
def not_found() -> ApiError:
    return ApiError(404, "user_not_found", "no such user")


def last_admin() -> ApiError:
    return ApiError(409, "last_super_admin", "the last active super admin cannot be deleted, demoted or deactivated")


async def _get(db: Any, user_id: int) -> dict[str, Any]:
    row = await accounts.by_id(db, user_id)
    if row is None:
        raise not_found()
    return row


@router.get("", response_model=UserList)
async def list_users(_: SuperAdmin, db: DB, limit: Annotated[int, Query(ge=1, le=100)] = 50,
                     offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> Any:
    """A page of users, oldest first."""
    rows, total = await accounts.page(db, limit, offset)
    return {"items": [public_user(r) for r in rows], "total": total, "limit": limit, "offset": offset}


@router.post("", response_model=User, status_code=201, responses=error_responses(409))
async def create_user(body: UserCreate, admin: SuperAdmin, request: Request, context: Context, db: DB) -> Any:
    """Create an account (email normalised by core.emails); 409 when another account has the address in any case
    or form."""
    hashed = await context.hash_password(body.password)
    row = await accounts.insert(db, body.email, hashed, is_active=body.is_active, is_superuser=body.is_superuser)
    context.events.emit("user_created", user_id=int(row["id"]), by=int(admin["id"]), client=client_id(request))
    return public_user(row)


@router.get("/{user_id}", response_model=User, responses=error_responses(404))
async def get_user(user_id: UserId, _: SuperAdmin, db: DB) -> Any:
    return public_user(await _get(db, user_id))


@router.patch("/{user_id}", response_model=User,
              responses=error_responses(404, 409))
async def update_user(user_id: UserId, body: UserUpdate, _: SuperAdmin, context: Context, db: DB) -> Any:
    """Change email, password or flags; 409 for a taken email or for demoting the last active super admin."""
    current = await _get(db, user_id)
    changes: dict[str, Any] = {}
    if body.email is not None:
        changes["email"] = body.email
    if body.password is not None:
        changes["hashed_password"] = await context.hash_password(body.password)
    if body.is_active is not None:
        changes["is_active"] = body.is_active
    if body.is_superuser is not None:
        changes["is_superuser"] = body.is_superuser
    if not changes:
        return public_user(current)
    was_admin = bool(current["is_superuser"]) and bool(current["is_active"])
    changed = await accounts.update(
        db, user_id, changes,
        end_sessions=body.is_active is False,  # deactivation ends every token, so reactivation revives none
        unless_last_admin=was_admin and (body.is_superuser is False or body.is_active is False))
    if changed == 0:
        await _get(db, user_id)  # deleted meanwhile: 404
        raise last_admin()
    return public_user(await _get(db, user_id))


@router.delete("/{user_id}", status_code=204, response_class=Response,
               responses=error_responses(404, 409))
async def delete_user(user_id: UserId, admin: SuperAdmin, request: Request, context: Context, db: DB) -> Response:
    """Delete an account; 409 for the last active super admin."""
    await _get(db, user_id)
    if await accounts.delete_unless_last_admin(db, user_id) == 0:
        await _get(db, user_id)
        raise last_admin()
    context.events.emit("user_deleted", user_id=user_id, by=int(admin["id"]), client=client_id(request))
    return Response(status_code=204)

"""``/users/me``: a user's own account: read it, change its email or password, delete it.

Installed before ``/users/{user_id}``, which would otherwise take ``me`` for an id. Changing the email or the
password needs the current password (a stolen token alone cannot take the account over); flags are not the user's
to set (the body refuses them). A new password ends every earlier token, as ``POST /auth/password`` does.
"""

# Annotations are evaluated here, not postponed: FastAPI reads them at app build (api/routers/_table.py).
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from api import accounts
from api.accounts import public_user
from api.clients import client_id
from api.deps import DB, Context, CurrentUser
from api.errors import ApiError
from api.routers._table import RouteTable
from api.routers.auth import check_current_password
from api.routers.users import last_admin
from api.schemas import ProfileUpdate, User, error_responses

router = RouteTable(prefix="/users/me", tags=["users"], responses=error_responses(401, 503))


@router.get("", response_model=User)
async def read_me(user: CurrentUser) -> Any:
    """One's own account."""
    return public_user(user)


@router.patch("", response_model=User, responses=error_responses(409, 422))
async def update_me(body: ProfileUpdate, request: Request, user: CurrentUser, context: Context, db: DB) -> Any:
    """Change one's own email or password; ``current_password`` is required for either. 409 when another account
    has the address in any case or form."""
    if body.email is None and body.password is None:
        return public_user(user)
    if body.current_password is None:
        raise ApiError(422, "current_password_required", "send current_password to change the email or password",
                       loc=["body", "current_password"])
    await check_current_password(request, context, user, body.current_password)
    changes: dict[str, Any] = {}
    if body.email is not None:
        changes["email"] = body.email
    if body.password is not None:
        changes["hashed_password"] = await context.hash_password(body.password)
    await accounts.update(db, int(user["id"]), changes)
    if body.email is not None:
        context.events.emit("email_changed", user_id=int(user["id"]), client=client_id(request))
    if body.password is not None:
        context.events.emit("password_changed", user_id=int(user["id"]), client=client_id(request))
    row = await accounts.by_id(db, int(user["id"]))
    assert row is not None
    return public_user(row)


@router.delete("", status_code=204, response_class=Response, responses=error_responses(409))
async def delete_me(request: Request, user: CurrentUser, context: Context, db: DB) -> Response:
    """Delete one's own account; 409 for the last active super admin."""
    user_id = int(user["id"])
    if await accounts.delete_unless_last_admin(db, user_id) == 0:
        raise last_admin()
    context.events.emit("user_deleted", user_id=user_id, by=user_id, client=client_id(request))
    return Response(status_code=204)

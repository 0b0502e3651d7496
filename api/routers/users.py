"""``/users``: account management for super admins; the last active super admin can be neither deleted nor demoted.

The last-super-admin rule is enforced inside the UPDATE/DELETE statement itself (a ``WHERE`` counting the other
active super admins), not by a read before it, so a concurrent request cannot slip between check and change.
SQLite and D1 run one write at a time, which makes that enough. PostgreSQL runs writes concurrently and each
statement counts in its own snapshot: two demotions of two different admins would each still see the other one
and both succeed, leaving none. There the count locks every active super admin's row first (``FOR UPDATE``, in id
order, so two such statements queue instead of deadlocking); the second statement then waits for the first to
commit and counts again on the rows as they now are.
"""

# Annotations are evaluated here, not postponed: FastAPI reads them at app build (api/routers/_table.py).
from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.responses import Response

from api.accounts import END_SESSIONS, USER_BY_ID, USER_PAGE, email_taken, insert_user, key_of, now_text, public_user
from api.deps import DB, Context, SuperAdmin, client_id
from api.errors import ApiError
from api.routers._table import RouteTable
from api.schemas import ERROR_RESPONSE, User, UserCreate, UserList, UserUpdate

_ERRORS: dict[int | str, dict[str, Any]] = dict.fromkeys((401, 403, 422, 503), ERROR_RESPONSE)
router = RouteTable(prefix="/users", tags=["users"], responses=_ERRORS)
UserId = Annotated[int, Path(ge=1, le=2**63 - 1)]
# Counts the OTHER active super admins (parameters: True, True, this user's id); a change that removes this user's
# standing needs at least one. See the module docstring for the PostgreSQL form.
_OTHERS_REMAIN = {
    "sqlite": "(SELECT COUNT(*) FROM users AS o WHERE o.is_superuser = ? AND o.is_active = ? AND o.id <> ?) > 0",
    "postgresql": (
        "(SELECT COUNT(*) FROM (SELECT o.id FROM users AS o WHERE o.is_superuser = ? AND o.is_active = ? "
        "ORDER BY o.id FOR UPDATE) AS admins WHERE admins.id <> ?) > 0"
    ),
}
_OTHERS_REMAIN["d1"] = _OTHERS_REMAIN["sqlite"]


def others_remain(dialect: str) -> str:
    """The SQL condition "another active super admin exists" for ``dialect``, safe under concurrent writes."""
    return _OTHERS_REMAIN[dialect]


def delete_unless_last_admin(dialect: str) -> str:
    """DELETE of user ``?`` unless it is the last active super admin (parameters: id, True, True, True, True, id)."""
    # fixed SQL fragments only (the dialect picks one); values are bound
    return f"DELETE FROM users WHERE id = ? AND (NOT (is_superuser = ? AND is_active = ?) OR {others_remain(dialect)})"  # noqa: S608


def _not_found() -> ApiError:
    return ApiError(404, "user_not_found", "no such user")


def last_admin() -> ApiError:
    return ApiError(409, "last_super_admin", "the last active super admin cannot be deleted, demoted or deactivated")


async def _get(db: Any, user_id: int) -> dict[str, Any]:
    row = await db.fetch_one(USER_BY_ID, (user_id,))
    if row is None:
        raise _not_found()
    return dict(row)


@router.get("", response_model=UserList)
async def list_users(_: SuperAdmin, db: DB, limit: Annotated[int, Query(ge=1, le=100)] = 50,
                     offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> Any:
    """A page of users, oldest first."""
    rows = await db.fetch_all(USER_PAGE, (limit, offset))
    total = await db.fetch_one("SELECT COUNT(*) AS n FROM users")
    return {"items": [public_user(r) for r in rows], "total": int(total["n"]) if total else 0,
            "limit": limit, "offset": offset}


@router.post("", response_model=User, status_code=201, responses={409: ERROR_RESPONSE})
async def create_user(body: UserCreate, admin: SuperAdmin, request: Request, context: Context, db: DB) -> Any:
    """Create an account (email normalised by core.emails); 409 when another account has the address in any case
    or form."""
    hashed = await context.hash_password(body.password)
    row = await insert_user(db, body.email, hashed, is_active=body.is_active, is_superuser=body.is_superuser)
    context.events.emit("user_created", user_id=int(row["id"]), by=int(admin["id"]), client=client_id(request))
    return public_user(row)


@router.get("/{user_id}", response_model=User, responses={404: ERROR_RESPONSE})
async def get_user(user_id: UserId, _: SuperAdmin, db: DB) -> Any:
    return public_user(await _get(db, user_id))


@router.patch("/{user_id}", response_model=User,
              responses={404: ERROR_RESPONSE, 409: ERROR_RESPONSE})
async def update_user(user_id: UserId, body: UserUpdate, _: SuperAdmin, context: Context, db: DB) -> Any:
    """Change email, password or flags; 409 for a taken email or for demoting the last active super admin."""
    current = await _get(db, user_id)
    changes: dict[str, Any] = {}
    if body.email is not None:
        changes["email"] = body.email
        changes["email_key"] = key_of(body.email)
    if body.password is not None:
        changes["hashed_password"] = await context.hash_password(body.password)
    if body.is_active is not None:
        changes["is_active"] = body.is_active
    if body.is_superuser is not None:
        changes["is_superuser"] = body.is_superuser
    if not changes:
        return public_user(current)
    changes["updated_at"] = now_text()
    assignments = [f"{column} = ?" for column in changes]
    if body.is_active is False:  # deactivation ends every token the user holds, so reactivation revives none
        assignments.append(END_SESSIONS)
    # column names come from the fixed set above, values are bound: nothing from the request enters the SQL text
    sql = f"UPDATE users SET {', '.join(assignments)} WHERE id = ?"  # noqa: S608
    params: list[Any] = [*changes.values(), user_id]
    was_admin = bool(current["is_superuser"]) and bool(current["is_active"])
    if was_admin and (body.is_superuser is False or body.is_active is False):
        sql += f" AND {others_remain(db.dialect)}"
        params += [True, True, user_id]
    from core.db import IntegrityError

    try:
        changed = await db.execute(sql, params)
    except IntegrityError:
        raise email_taken() from None
    if changed == 0:
        await _get(db, user_id)  # deleted meanwhile: 404
        raise last_admin()
    return public_user(await _get(db, user_id))


@router.delete("/{user_id}", status_code=204, response_class=Response,
               responses={404: ERROR_RESPONSE, 409: ERROR_RESPONSE})
async def delete_user(user_id: UserId, admin: SuperAdmin, request: Request, context: Context, db: DB) -> Response:
    """Delete an account; 409 for the last active super admin."""
    await _get(db, user_id)
    changed = await db.execute(
        delete_unless_last_admin(db.dialect), (user_id, True, True, True, True, user_id),
    )
    if changed == 0:
        await _get(db, user_id)
        raise last_admin()
    context.events.emit("user_deleted", user_id=user_id, by=int(admin["id"]), client=client_id(request))
    return Response(status_code=204)

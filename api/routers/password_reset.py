"""Password reset without a table: ``/auth/password-reset`` (request a link), ``/auth/password-reset/confirm`` (set
the new password) and ``/users/{id}/password-reset`` (a super admin gets the link in the answer: no mail needed).

The request always answers 202 with the same body, whether or not the address has an account, and does the same
database work either way; the link is delivered after the answer is sent (api/delivery.py), so neither its time
nor its outcome shows. The token is the one api/tokens.py describes: short-lived, single purpose, single use.
"""

# Annotations are evaluated here, not postponed: FastAPI reads them at app build (api/routers/_table.py).
from typing import Any
from urllib.parse import urlencode

from fastapi import BackgroundTasks, Request
from fastapi.responses import JSONResponse, Response

from api import accounts
from api.accounts import key_of
from api.clients import client_id
from api.delivery import configured, send_reset_link
from api.deps import DB, Context, SuperAdmin
from api.errors import ApiError, unauthorized
from api.routers._table import RouteTable
from api.routers.users import UserId, not_found
from api.schemas import Accepted, PasswordResetConfirm, PasswordResetLink, PasswordResetRequest, error_responses
from api.throttle import (
    RESET_ACCOUNT_LIMIT,
    RESET_CLIENT_LIMIT,
    login_account_counter,
    refuse_over_limit,
)
from api.tokens import PASSWORD_RESET, issue_reset_token, user_from_token

router = RouteTable(prefix="", tags=["auth"])
CONFIRM_PATH = "/auth/password-reset/confirm"
_ACCEPTED = {"status": "accepted",
             "message": "if an account exists for this address, a password reset link is on its way"}


def reset_link(request: Request, context: Any, token: str) -> str:
    """``PASSWORD_RESET_URL`` (the front end's page) or this api's confirm path, with ``token=`` in its query."""
    base = context.settings.password_reset_url or str(request.base_url).rstrip("/") + CONFIRM_PATH
    return base + ("&" if "?" in base else "?") + urlencode({"token": token})


@router.post("/auth/password-reset", status_code=202, response_model=Accepted,
             responses=error_responses(422, 429, 501, 503))
async def request_password_reset(body: PasswordResetRequest, request: Request, background: BackgroundTasks,
                                 context: Context, db: DB) -> Any:
    """Send a reset link to the address if it has an active account; the same 202 either way. 10 requests per
    client per 15 minutes (429); at most 3 links per account per 15 minutes (past that: 202, nothing sent). 501 when
    links cannot reach anyone (production without ``PASSWORD_RESET_WEBHOOK_URL``)."""
    if not configured(context):
        raise ApiError(501, "reset_delivery_unconfigured",
                       "password reset is not set up on this server: set PASSWORD_RESET_WEBHOOK_URL (or use "
                       "POST /users/{id}/password-reset as a super admin)")
    client = client_id(request)
    await refuse_over_limit(context, db, client, "reset", RESET_CLIENT_LIMIT, "reset requests")
    key = key_of(body.email)
    row = await accounts.by_key(db, key)
    # Counted for every address, known or not: the same work whatever the answer would reveal.
    per_account = await context.limiter.hit(db, f"reset-account:{key}", RESET_ACCOUNT_LIMIT)
    if row is None or not row["is_active"]:
        context.events.emit("password_reset_requested", outcome="no_active_account", client=client, email=key)
    elif not per_account.allowed:
        context.events.emit("password_reset_requested", outcome="throttled", user_id=int(row["id"]), client=client)
    else:
        token, lifetime = issue_reset_token(context, row)
        send_reset_link(background, context, int(row["id"]), str(row["email"]), reset_link(request, context, token),
                        lifetime)
        context.events.emit("password_reset_requested", outcome="sent", user_id=int(row["id"]), client=client)
    return JSONResponse(_ACCEPTED, status_code=202)


@router.post(CONFIRM_PATH, status_code=204, response_class=Response,
             responses=error_responses(401, 422, 503))
async def confirm_password_reset(body: PasswordResetConfirm, request: Request, context: Context, db: DB) -> Response:
    """Set a new password with a reset token. Every earlier token of the account ends, the reset token included:
    a second use, an access token, an expired or tampered token get 401 (``reset_token_used``,
    ``wrong_token_use``, ``token_expired``, ``invalid_signature``, ``invalid_token``...)."""
    user = await user_from_token(request, context, db, body.token, use=PASSWORD_RESET)
    hashed = await context.hash_password(body.new_password)
    # Guarded by the hash the token was checked against: of two concurrent uses of one token, one changes it.
    changed = await accounts.update(
        db, int(user["id"]), {"hashed_password": hashed}, end_sessions=True,
        expected={"hashed_password": user["hashed_password"], "token_version": user["token_version"]})
    if changed == 0:
        raise unauthorized("reset_token_used", "this reset link was used already; request a new one")
    # The account's login backoff is for guesses at the old password; the owner just proved control of the address.
    await context.limiter.clear(db, login_account_counter(str(user["email"])))
    context.events.emit("password_reset_completed", user_id=int(user["id"]), client=client_id(request))
    return Response(status_code=204)


@router.post("/users/{user_id}/password-reset", response_model=PasswordResetLink, tags=["users"],
             responses=error_responses(401, 403, 404, 409, 422, 503))
async def admin_password_reset(user_id: UserId, admin: SuperAdmin, request: Request, context: Context,
                               db: DB) -> Any:
    """A reset link for an account, in the answer (hand it to the user; no mail infrastructure needed). 409 for an
    inactive account, which could not log in with a new password."""
    row = await accounts.by_id(db, user_id)
    if row is None:
        raise not_found()
    if not row["is_active"]:
        raise ApiError(409, "user_inactive", "the account is deactivated: activate it first")
    token, lifetime = issue_reset_token(context, row)
    context.events.emit("password_reset_issued", user_id=user_id, by=int(admin["id"]), client=client_id(request))
    return {"reset_url": reset_link(request, context, token), "token": token, "expires_in": lifetime}

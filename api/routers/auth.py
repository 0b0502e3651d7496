"""``/auth``: login (OAuth2 password form, username = email), sign-up, the current user, changing one's own
password, logging out everywhere. Password reset: api/routers/password_reset.py.

Login order: the three throttle hits first (per client + account, per client, per account: api/throttle.py), before
any hashing, so a flood costs a few UPSERTs each; then the user lookup, then verification in the bounded hashing
queue (a worker thread; 503 with Retry-After when it is full; inline on Pyodide). Unknown users are verified
against a dummy hash of the policy's cost, so response time does not reveal which emails have accounts. A correct
password on an outdated hash (bcrypt, Django, fewer rounds) stores the policy hash in the same request. Accounts are
found by their address key (api/accounts.py): any spelling of the address logs in to the one account.
"""

# Annotations are evaluated here, not postponed: FastAPI reads them at app build (api/routers/_table.py).
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import Response

from api import _core, accounts
from api.accounts import login_key, public_user
from api.clients import client_id
from api.deps import DB, Context, CurrentUser
from api.errors import ApiError, unauthorized
from api.routers._table import RouteTable
from api.schemas import PasswordChange, Registration, Token, User, error_responses
from api.site_flags import in_maintenance
from api.throttle import REGISTER_LIMIT, refuse_over_limit
from api.tokens import issue_token

router = RouteTable(prefix="/auth", tags=["auth"])
_DUMMY: dict[int, str] = {}  # rounds -> a hash nobody's password matches, built on first need (not at import)
_FORM = "application/x-www-form-urlencoded"
_MAX_FORM_FIELDS = 8  # the password grant has six at most (RFC 6749 §4.3.2, §2.3.1); parse_qs refuses more unparsed
_LOGIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {_FORM: {"schema": {
            "type": "object",
            "required": ["username", "password"],
            "properties": {
                "username": {"type": "string", "description": "the account's email address"},
                "password": {"type": "string"},
                "grant_type": {"type": "string", "enum": ["password"]},
                "scope": {"type": "string"},
            },
        }}},
    }
}
_ERRORS: dict[int | str, dict[str, Any]] = error_responses(401, 413, 415, 422, 429, 503)


def _invalid_form(message: str) -> ApiError:
    return ApiError(422, "validation_error", message)


async def _read_form(request: Request) -> tuple[str, str]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != _FORM:
        raise ApiError(415, "unsupported_media_type", f"send the login form as {_FORM}")
    try:
        fields = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True,
                          max_num_fields=_MAX_FORM_FIELDS, errors="strict")
    except UnicodeDecodeError:
        raise _invalid_form("the form is not valid UTF-8 application/x-www-form-urlencoded") from None
    except ValueError:  # parse_qs's only other refusal: more fields than max_num_fields
        raise _invalid_form(f"the login form has more than {_MAX_FORM_FIELDS} fields") from None
    username, password = fields.get("username", [""])[0], fields.get("password", [""])[0]
    grant_type = fields.get("grant_type", ["password"])[0]
    if grant_type not in ("password", ""):
        raise _invalid_form("grant_type must be 'password'")
    if not username or not password:
        raise _invalid_form("username and password are required")
    if len(username) > 2048 or len(password) > 1024:
        raise _invalid_form("username or password too long")
    return username, password


async def _check_password(context: Any, row: dict[str, Any] | None, password: str) -> tuple[str | None, str | None]:
    """Why the login fails (None: it succeeds) and the upgraded hash to store, if any."""
    if row is None:
        rounds = context.hasher.rounds
        if rounds not in _DUMMY:
            _DUMMY[rounds] = await context.hash_password("not a password: equalises timing")
        await context.verify_and_update(password, _DUMMY[rounds])
        return "unknown_user", None
    try:
        valid, new_hash = await context.verify_and_update(password, row["hashed_password"])
    except _core.passwords.PasswordError as exc:  # a stored hash we cannot read: the account cannot log in
        return f"bad_hash:{exc.code}", None
    if not valid:
        return "wrong_password", None
    if not row["is_active"]:
        return "inactive_user", None
    return None, new_hash


@router.post("/login", response_model=Token, responses=_ERRORS, openapi_extra=_LOGIN_BODY)
async def login(request: Request, context: Context, db: DB) -> Any:
    """Exchange email + password for a bearer token; 429 with Retry-After after repeated failures (per address and
    account, per address, per account), 503 with Retry-After while too many password checks are queued. During
    maintenance only a super admin logs in; every other attempt gets 503 ``maintenance``."""
    username, password = await _read_form(request)
    email, client = login_key(username), client_id(request)
    attempt = await context.limiter.login(db, client, email)
    if attempt.refusal is not None:
        verdict = attempt.refusal.verdict
        context.events.emit("throttled", scope="login", limit=attempt.refusal.scope, client=client, email=email,
                            hits=verdict.hits)
        raise ApiError(429, "too_many_attempts", "too many login attempts; try again later",
                       {"Retry-After": str(verdict.retry_after)})
    row = await accounts.by_key(db, email)
    try:
        reason, new_hash = await _check_password(context, row, password)
    except ApiError as exc:
        if exc.code == "busy":  # the hashing queue was full (api/hashing.py): no password was checked
            await context.limiter.login_unchecked(db, attempt)
            context.events.emit("hashing_busy", client=client, email=email)
        raise
    maintenance = await context.flags.maintenance(db)
    if reason is not None:
        context.events.emit("login_failed", reason=reason, client=client, email=email)
        if maintenance:  # the same answer as a non-admin's correct password: maintenance names no super admin
            raise in_maintenance()
        raise unauthorized("invalid_credentials", "incorrect email or password")
    assert row is not None
    if maintenance and not row["is_superuser"]:
        raise in_maintenance()
    stored_hash = row["hashed_password"]
    if new_hash is not None:
        await accounts.upgrade_hash(db, int(row["id"]), row["hashed_password"], new_hash)
        context.events.emit("hash_upgraded", user_id=int(row["id"]), client=client)
        stored_hash = new_hash
    await context.limiter.login_succeeded(db, attempt)
    token, lifetime = issue_token(context, {**row, "hashed_password": stored_hash})
    context.events.emit("login_succeeded", user_id=int(row["id"]), client=client, email=email)
    return {"access_token": token, "token_type": "bearer", "expires_in": lifetime}


@router.get("/me", response_model=User, responses=error_responses(401, 503))
async def me(user: CurrentUser) -> Any:
    """The user the bearer token belongs to."""
    return public_user(user)


async def check_current_password(request: Request, context: Any, user: dict[str, Any], password: str) -> None:
    """422 ``wrong_password`` (and a ``login_failed`` event) unless ``password`` is the user's current one."""
    valid, _ = await context.verify_and_update(password, user["hashed_password"])
    if not valid:
        context.events.emit("login_failed", reason="wrong_current_password", client=client_id(request),
                            user_id=int(user["id"]))
        raise ApiError(422, "wrong_password", "the current password is not correct", loc=["body", "current_password"])


@router.post("/password", status_code=204, response_class=Response,
             responses=error_responses(401, 422, 503))
async def change_password(body: PasswordChange, request: Request, user: CurrentUser, context: Context,
                          db: DB) -> Response:
    """Change one's own password; the current password is required. Every token issued before, this request's
    included, stops working: log in again with the new password."""
    await check_current_password(request, context, user, body.current_password)
    hashed = await context.hash_password(body.new_password)
    await accounts.update(db, int(user["id"]), {"hashed_password": hashed})
    context.events.emit("password_changed", user_id=int(user["id"]), client=client_id(request))
    return Response(status_code=204)


@router.post("/logout-all", status_code=204, response_class=Response,
             responses=error_responses(401, 503))
async def logout_all(request: Request, user: CurrentUser, context: Context, db: DB) -> Response:
    """End every token of this user at once (access tokens and reset links), this request's included. To end one
    token only, the client discards it."""
    await accounts.end_sessions(db, int(user["id"]))
    context.events.emit("logout_all", user_id=int(user["id"]), client=client_id(request))
    return Response(status_code=204)


@router.post("/register", response_model=User, status_code=201,
             responses=error_responses(403, 409, 422, 429, 503))
async def register(body: Registration, request: Request, context: Context, db: DB) -> Any:
    """Create one's own account while the ``registration_open`` site setting is true (403 ``registration_closed``
    otherwise); the same email and password rules as an admin's create; 10 sign-ups per client per hour (429).
    Log in with ``/auth/login`` afterwards."""
    if not await context.flags.registration_open(db):
        raise ApiError(403, "registration_closed", "sign-up is closed on this site")
    client = client_id(request)
    await refuse_over_limit(context, db, client, "register", REGISTER_LIMIT, "sign-ups")
    hashed = await context.hash_password(body.password)
    row = await accounts.insert(db, body.email, hashed)
    context.events.emit("user_registered", user_id=int(row["id"]), client=client, email=body.email)
    return public_user(row)


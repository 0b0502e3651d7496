"""Route dependencies: the context, the database, the client's identity, the current user and the super admin."""

# Annotations are evaluated here, not postponed: FastAPI reads them at app build (api/routers/_table.py).
import base64
import hmac
import time
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from api.context import ON_PYODIDE, AppContext
from api.errors import forbidden, unauthorized

if TYPE_CHECKING:
    from core.db import Database

# Documents the bearer scheme in OpenAPI; auto_error=False so a missing token gets our own JSON 401.
bearer_scheme = OAuth2PasswordBearer(tokenUrl="/auth/login", auto_error=False)
_COLUMNS = ("SELECT id, email, hashed_password, is_active, is_superuser, token_version, created_at, updated_at "
            "FROM users")
USER_BY_ID = _COLUMNS + " WHERE id = ?"
USER_BY_EMAIL = _COLUMNS + " WHERE email = ?"
USER_PAGE = _COLUMNS + " ORDER BY id LIMIT ? OFFSET ?"


async def get_context(request: Request) -> AppContext:  # async: a sync dependency would hop to a thread
    context: AppContext = request.app.state.leancore
    return context


Context = Annotated[AppContext, Depends(get_context)]


async def get_database(request: Request) -> Any:  # Any: FastAPI evaluates this; core.db loads lazily
    # The context straight from the app, not through ``Context``: every ``Depends`` node is one more dependant
    # FastAPI builds per route at app build time (bench api.coldstart, workers.nosnapshot).
    context: AppContext = request.app.state.leancore
    return await context.database()


DB = Annotated[Any, Depends(get_database)]


def client_id(request: Request) -> str:
    """Who is calling: on a server the socket peer, or the address a trusted proxy forwarded (the server rewrites the
    peer only for the proxies ``FORWARDED_ALLOW_IPS`` names: api/__main__.py); on Workers the address Cloudflare
    puts in cf-connecting-ip. At most 64 characters either way (a forwarded value is text, not always an address)."""
    if ON_PYODIDE:
        return request.headers.get("cf-connecting-ip", "unknown")[:64]
    return request.client.host[:64] if request.client else "unknown"


def public_user(row: dict[str, Any]) -> dict[str, Any]:
    """A users row as the API shows it: booleans as bool, never the hash."""
    return {"id": int(row["id"]), "email": row["email"], "is_active": bool(row["is_active"]),
            "is_superuser": bool(row["is_superuser"]), "created_at": str(row["created_at"]),
            "updated_at": str(row["updated_at"])}


# A private claim binding a token to the password hash it was issued under and to the user's token version: a
# password change (one's own or an admin's reset) or a raised ``users.token_version`` (deactivation; see
# END_SESSIONS) ends every token issued before it, without a revocation table. Keyed with the signing secret, so
# a token reveals nothing about the hash. A hash upgraded at login (bcrypt to PBKDF2, more rounds) ends the other
# sessions once, like a password change. A single token is ended by the client discarding it.
CREDENTIAL_CLAIM = "cred"
# The SET clause that ends every token of the row it updates (the version is part of each token's stamp); in the
# same UPDATE as the change that calls for it, so no token outlives the change.
END_SESSIONS = "token_version = token_version + 1"


def credential_stamp(context: AppContext, hashed_password: str, token_version: int) -> str:
    """The ``cred`` claim for a stored password hash and token version: 128 bits of HMAC-SHA256, base64url."""
    message = b"leancore credential stamp\0%d\0%s" % (token_version, hashed_password.encode())
    digest = hmac.digest(context.secret_key.encode(), message, "sha256")
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def issue_token(context: AppContext, user_id: int, hashed_password: str, token_version: int) -> tuple[str, int]:
    """A signed access token for ``user_id``, valid while its password hash stays ``hashed_password`` and its token
    version ``token_version``, and its lifetime in seconds."""
    settings = context.settings
    lifetime = settings.access_token_minutes * 60
    now = int(time.time())
    claims: dict[str, Any] = {"sub": str(user_id), "iat": now, "exp": now + lifetime,
                              CREDENTIAL_CLAIM: credential_stamp(context, hashed_password, token_version)}
    if settings.token_issuer:
        claims["iss"] = settings.token_issuer
    if settings.token_audience:
        claims["aud"] = settings.token_audience
    return context.jwt.encode(claims, context.secret_key, algorithm="HS256"), lifetime


async def user_from_token(request: Request, context: AppContext, db: "Database", token: str) -> dict[str, Any]:
    """The active user a bearer token names; 401 (and a ``token_rejected`` event) otherwise."""
    from core.jwt import JWTError

    settings = context.settings
    try:
        claims = context.jwt.decode(
            token, context.secret_key, algorithms=["HS256"], audience=settings.token_audience,
            issuer=settings.token_issuer, options={"require_exp": True, "require_sub": True},
        )
        user_id = int(claims["sub"]) if str(claims["sub"]).isascii() and str(claims["sub"]).isdigit() else None
    except JWTError as exc:
        context.events.emit("token_rejected", code=exc.code, client=client_id(request))
        raise unauthorized(exc.code, "the access token is invalid or expired") from None
    row = None
    if user_id is not None and user_id < 2**63:
        row = await db.fetch_one(USER_BY_ID, (user_id,))
    if row is None or not row["is_active"]:
        context.events.emit("token_rejected", code="unknown_or_inactive_user", client=client_id(request))
        raise unauthorized("invalid_token", "the access token is invalid or expired")
    stamp = claims.get(CREDENTIAL_CLAIM)
    # isascii first: compare_digest refuses non-ASCII str, and a JSON string may even hold a lone surrogate
    if not isinstance(stamp, str) or not stamp.isascii() or not hmac.compare_digest(
        stamp, credential_stamp(context, row["hashed_password"], int(row["token_version"]))
    ):
        context.events.emit("token_rejected", code="token_revoked", user_id=int(row["id"]), client=client_id(request))
        raise unauthorized("token_revoked", "this token was ended (password changed or sessions ended); log in again")
    return row


async def _bearer_user(request: Request, token: str | None) -> dict[str, Any]:
    context: AppContext = request.app.state.leancore
    db = await context.database()  # first, as before: an unreachable database answers 503 even without a token
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

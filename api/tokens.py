"""Issuing and checking the api's tokens: access tokens, and password-reset tokens that need no table.

Both carry ``cred``, a private claim binding the token to the password hash it was issued under and to the user's
token version: a password change (one's own, an admin's, a completed reset) or a raised ``users.token_version``
(deactivation, ``POST /auth/logout-all``: ``api.accounts.END_SESSIONS``) ends every token issued before it,
without a revocation table. Keyed with the signing secret, so a token reveals nothing about the hash. A hash
upgraded at login (bcrypt to PBKDF2, more rounds) ends the other sessions once, like a password change. A single
token is ended by the client discarding it.

A reset token is single purpose: it carries ``use: "password_reset"``, which access-token checks refuse and the
reset endpoint requires. It is single use because completing the reset changes the password hash, and with it
the stamp every earlier token carries, the reset token's own included.
"""

from __future__ import annotations

import base64
import hmac
import time
from typing import TYPE_CHECKING, Any

from api import _core, accounts
from api.clients import client_id
from api.errors import unauthorized

if TYPE_CHECKING:
    from fastapi import Request

    from api.context import AppContext
    from core.db import Database

CREDENTIAL_CLAIM = "cred"
USE_CLAIM = "use"
PASSWORD_RESET = "password_reset"  # noqa: S105 - a token purpose, not a secret


def credential_stamp(context: AppContext, hashed_password: str, token_version: int) -> str:
    """The ``cred`` claim for a stored password hash and token version: 128 bits of HMAC-SHA256, base64url."""
    message = b"leancore credential stamp\0%d\0%s" % (token_version, hashed_password.encode())
    digest = hmac.digest(context.secret_key.encode(), message, "sha256")
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def _issue(context: AppContext, row: dict[str, Any], lifetime: int, extra: dict[str, Any]) -> str:
    settings = context.settings
    now = int(time.time())
    claims: dict[str, Any] = {"sub": str(int(row["id"])), "iat": now, "exp": now + lifetime,
                              CREDENTIAL_CLAIM: credential_stamp(context, row["hashed_password"],
                                                                 int(row["token_version"])), **extra}
    if settings.token_issuer:
        claims["iss"] = settings.token_issuer
    if settings.token_audience:
        claims["aud"] = settings.token_audience
    return context.jwt.encode(claims, context.secret_key, algorithm="HS256")


def issue_token(context: AppContext, row: dict[str, Any]) -> tuple[str, int]:
    """A signed access token for the user ``row``, valid while its password hash and token version stay as they
    are, and its lifetime in seconds."""
    lifetime = context.settings.access_token_minutes * 60
    return _issue(context, row, lifetime, {}), lifetime


def issue_reset_token(context: AppContext, row: dict[str, Any]) -> tuple[str, int]:
    """A password-reset token for the user ``row`` and its lifetime in seconds (``PASSWORD_RESET_MINUTES``)."""
    lifetime = context.settings.password_reset_minutes * 60
    return _issue(context, row, lifetime, {USE_CLAIM: PASSWORD_RESET}), lifetime


async def user_from_token(request: Request, context: AppContext, db: Database, token: str, *,
                          use: str | None = None) -> dict[str, Any]:
    """The active user a token names, for an access token (``use`` None) or a token of that ``use``; 401 (and a
    ``token_rejected`` event) otherwise. Codes: the core error's for a bad token, ``wrong_token_use``,
    ``invalid_token`` (no such active user) and ``token_revoked`` (the stamp no longer matches)."""
    settings = context.settings
    what = "access token" if use is None else "reset token"
    try:
        claims = context.jwt.decode(
            token, context.secret_key, algorithms=["HS256"], audience=settings.token_audience,
            issuer=settings.token_issuer,
        )
        user_id = int(claims["sub"]) if str(claims["sub"]).isascii() and str(claims["sub"]).isdigit() else None
    except _core.jwt.JWTError as exc:
        context.events.emit("token_rejected", code=exc.code, client=client_id(request))
        raise unauthorized(exc.code, f"the {what} is invalid or expired") from None
    if claims.get(USE_CLAIM) != use:
        context.events.emit("token_rejected", code="wrong_token_use", client=client_id(request))
        raise unauthorized("wrong_token_use", f"this is not an {what}" if use is None else f"this is not a {what}")
    row = None
    if user_id is not None and user_id < 2**63:
        row = await accounts.by_id(db, user_id)
    if row is None or not row["is_active"]:
        context.events.emit("token_rejected", code="unknown_or_inactive_user", client=client_id(request))
        raise unauthorized("invalid_token", f"the {what} is invalid or expired")
    stamp = claims.get(CREDENTIAL_CLAIM)
    # isascii first: compare_digest refuses non-ASCII str, and a JSON string may even hold a lone surrogate
    if not isinstance(stamp, str) or not stamp.isascii() or not hmac.compare_digest(
        stamp, credential_stamp(context, row["hashed_password"], int(row["token_version"]))
    ):
        context.events.emit("token_rejected", code="token_revoked", user_id=int(row["id"]), client=client_id(request))
        if use is None:
            raise unauthorized("token_revoked",
                               "this token was ended (password changed or sessions ended); log in again")
        raise unauthorized("reset_token_used",
                           "this reset link was used already or ended by a password change; request a new one")
    return row

"""The users table as the routes use it: one place for its SQL, the address key, and the public view of a row.

An account is found by its address key (``core.emails.email_key``: case and compatibility forms folded, migration
0004), never by the address as typed, so ``Alice@`` and ``alice@`` are one account everywhere: login, sign-up,
password reset, admin create and update, the throttle keys. The address is shown as the user typed it.
"""

from __future__ import annotations

from typing import Any

from api.errors import ApiError

_COLUMNS = ("SELECT id, email, hashed_password, is_active, is_superuser, token_version, created_at, updated_at "
            "FROM users")
USER_BY_ID = _COLUMNS + " WHERE id = ?"
USER_BY_KEY = _COLUMNS + " WHERE email_key = ?"
USER_PAGE = _COLUMNS + " ORDER BY id LIMIT ? OFFSET ?"
INSERT_USER = ("INSERT INTO users (email, email_key, hashed_password, is_active, is_superuser) "
               "VALUES (?, ?, ?, ?, ?)")
# The SET clause that ends every token of the row it updates (the version is part of each token's stamp:
# api/tokens.py); in the same UPDATE as the change that calls for it, so no token outlives the change.
END_SESSIONS = "token_version = token_version + 1"


def key_of(email: str) -> str:
    """The address key of ``email`` (already normalised by ``core.emails``, or any text for a lookup)."""
    from core.emails import email_key

    return email_key(email)


def login_key(username: str) -> str:
    """The key a login name looks up: the address normalised as at sign-up, or (not an address) the text folded."""
    from core.emails import EmailNotValidError, validate_email

    try:
        return key_of(validate_email(username.strip()).normalized)
    except EmailNotValidError:
        return key_of(username.strip())[:254]


def public_user(row: dict[str, Any]) -> dict[str, Any]:
    """A users row as the API shows it: booleans as bool, never the hash."""
    return {"id": int(row["id"]), "email": row["email"], "is_active": bool(row["is_active"]),
            "is_superuser": bool(row["is_superuser"]), "created_at": str(row["created_at"]),
            "updated_at": str(row["updated_at"])}


def email_taken() -> ApiError:
    return ApiError(409, "email_taken", "an account with this email exists (addresses are compared ignoring case)")


async def insert_user(db: Any, email: str, hashed: str, *, is_active: bool = True,
                      is_superuser: bool = False) -> dict[str, Any]:
    """Create an account and return its row; 409 ``email_taken`` when another account has the address's key."""
    from core.db import IntegrityError

    key = key_of(email)
    try:
        await db.execute(INSERT_USER, (email, key, hashed, is_active, is_superuser))
    except IntegrityError:
        raise email_taken() from None
    row = await db.fetch_one(USER_BY_KEY, (key,))
    assert row is not None
    return dict(row)


def now_text() -> str:
    """The current UTC time as the text every dialect stores (``core.db.now_text``)."""
    from core.db import now_text as core_now_text

    return core_now_text()

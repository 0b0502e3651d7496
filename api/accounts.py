"""The users table: every statement the api runs on it (routes, the startup check, ``create-admin``), the address
key, and the public view of a row.

An account is found by its address key (``core.emails.email_key``: case and compatibility forms folded, migration
0004), never by the address as typed, so ``Alice@`` and ``alice@`` are one account everywhere: login, sign-up,
password reset, admin create and update, the throttle keys. The address is shown as the user typed it.

The last-super-admin rule is enforced inside the UPDATE/DELETE statement itself (a ``WHERE`` counting the other
active super admins), not by a read before it, so a concurrent request cannot slip between check and change.
SQLite and D1 run one write at a time, which makes that enough. PostgreSQL runs writes concurrently and each
statement counts in its own snapshot: two demotions of two different admins would each still see the other one
and both succeed, leaving none. There the count locks every active super admin's row first (``FOR UPDATE``, in id
order, so two such statements queue instead of deadlocking); the second statement then waits for the first to
commit and counts again on the rows as they now are.
"""

from __future__ import annotations

from typing import Any

from api import _core
from api.errors import ApiError

_COLUMNS = ("SELECT id, email, hashed_password, is_active, is_superuser, token_version, created_at, updated_at "
            "FROM users")
USER_BY_ID = _COLUMNS + " WHERE id = ?"
USER_BY_KEY = _COLUMNS + " WHERE email_key = ?"
_PAGE = _COLUMNS + " ORDER BY id LIMIT ? OFFSET ?"
_INSERT = ("INSERT INTO users (email, email_key, hashed_password, is_active, is_superuser) "
           "VALUES (?, ?, ?, ?, ?)")
# One statement, so that two concurrent runs of ``python -m api create-admin`` (or one racing the initialiser) end
# with exactly one row. Keyed by the address key: any spelling of an existing account's address resets that account.
_UPSERT_SUPER_ADMIN = (_INSERT + " ON CONFLICT (email_key) DO UPDATE SET hashed_password = excluded.hashed_password, "
                       "is_active = excluded.is_active, is_superuser = excluded.is_superuser, updated_at = ?")
# The SET clause that ends every token of the row it updates (the version is part of each token's stamp:
# api/tokens.py); in the same UPDATE as the change that calls for it, so no token outlives the change.
END_SESSIONS = "token_version = token_version + 1"
# What a route may change; column names never come from a request.
_UPDATABLE = frozenset({"email", "hashed_password", "is_active", "is_superuser"})
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
    """The SQL condition "another active super admin exists" for ``dialect`` (parameters: True, True, the user's
    id), safe under concurrent writes."""
    return _OTHERS_REMAIN[dialect]


def key_of(email: str) -> str:
    """The address key of ``email`` (already normalised by ``core.emails``, or any text for a lookup)."""
    return _core.emails.email_key(email)


def login_key(username: str) -> str:
    """The key a login name looks up: the address normalised as at sign-up, or (not an address) the text folded."""
    try:
        return key_of(_core.emails.validate_email(username.strip()).normalized)
    except _core.emails.EmailNotValidError:
        return key_of(username.strip())[:254]


def public_user(row: dict[str, Any]) -> dict[str, Any]:
    """A users row as the API shows it: booleans as bool, never the hash."""
    return {"id": int(row["id"]), "email": row["email"], "is_active": bool(row["is_active"]),
            "is_superuser": bool(row["is_superuser"]), "created_at": str(row["created_at"]),
            "updated_at": str(row["updated_at"])}


def email_taken() -> ApiError:
    return ApiError(409, "email_taken", "an account with this email exists (addresses are compared ignoring case)")


# -- reads ---------------------------------------------------------------------------------------------------------

async def by_id(db: Any, user_id: int) -> dict[str, Any] | None:
    row = await db.fetch_one(USER_BY_ID, (user_id,))
    return None if row is None else dict(row)


async def by_key(db: Any, key: str) -> dict[str, Any] | None:
    row = await db.fetch_one(USER_BY_KEY, (key,))
    return None if row is None else dict(row)


async def count(db: Any) -> int:
    """How many accounts there are."""
    total = await db.fetch_one("SELECT COUNT(*) AS n FROM users")
    return int(total["n"]) if total else 0


async def page(db: Any, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """A page of users, oldest first, and how many there are in all."""
    rows = await db.fetch_all(_PAGE, (limit, offset))
    return [dict(r) for r in rows], await count(db)


async def any_active_super_admin(db: Any) -> bool:
    """Whether some account is an active super admin."""
    row = await db.fetch_one("SELECT id FROM users WHERE is_superuser = ? AND is_active = ? LIMIT 1", (True, True))
    return row is not None


# -- writes --------------------------------------------------------------------------------------------------------

async def insert(db: Any, email: str, hashed: str, *, is_active: bool = True,
                 is_superuser: bool = False) -> dict[str, Any]:
    """Create an account and return its row; 409 ``email_taken`` when another account has the address's key."""
    key = key_of(email)
    try:
        await db.execute(_INSERT, (email, key, hashed, is_active, is_superuser))
    except _core.db.IntegrityError:
        raise email_taken() from None
    row = await by_key(db, key)
    assert row is not None
    return row


async def upsert_super_admin(db: Any, email: str, hashed: str) -> dict[str, Any] | None:
    """Create ``email`` as an active super admin with ``hashed``, or set those (and ``updated_at``) on the account
    that has its address key, in one statement; that account's row as it was before (None: created). The hash
    change ends its tokens (api/tokens.py)."""
    key = key_of(email)
    before = await by_key(db, key)
    await db.execute(_UPSERT_SUPER_ADMIN, (email, key, hashed, True, True, _core.db.now_text()))
    return before


async def update(db: Any, user_id: int, changes: dict[str, Any], *, end_sessions: bool = False,
                 unless_last_admin: bool = False, expected: dict[str, Any] | None = None) -> int:
    """Set ``changes`` (columns of ``_UPDATABLE``; an email also sets its key) and ``updated_at`` on one account,
    in one statement; the number of rows changed (0: no such account, or a guard refused).

    ``end_sessions``: every token of the account ends (``END_SESSIONS``). ``unless_last_admin``: only while another
    active super admin remains. ``expected``: only while these columns still hold these values (a compare-and-set).
    409 ``email_taken`` when the new address's key belongs to another account.
    """
    assert _UPDATABLE.issuperset(changes), sorted(set(changes) - _UPDATABLE)
    values = dict(changes)
    if "email" in values:
        values["email_key"] = key_of(values["email"])
    values["updated_at"] = _core.db.now_text()
    assignments = [f"{column} = ?" for column in values] + ([END_SESSIONS] if end_sessions else [])
    params: list[Any] = [*values.values(), user_id]
    # fixed column names and SQL fragments only; every value is bound
    sql = f"UPDATE users SET {', '.join(assignments)} WHERE id = ?"  # noqa: S608
    for column, value in (expected or {}).items():
        assert column in _UPDATABLE or column == "token_version", column
        sql += f" AND {column} = ?"
        params.append(value)
    if unless_last_admin:
        sql += f" AND {others_remain(db.dialect)}"
        params += [True, True, user_id]
    try:
        changed: int = await db.execute(sql, params)
    except _core.db.IntegrityError:
        raise email_taken() from None
    return changed


async def end_sessions(db: Any, user_id: int) -> None:
    """End every token of the account at once (``POST /auth/logout-all``)."""
    await db.execute(f"UPDATE users SET {END_SESSIONS} WHERE id = ?", (user_id,))  # noqa: S608 - fixed SQL


async def upgrade_hash(db: Any, user_id: int, old: str, new: str) -> None:
    """Store a login's upgraded hash, unless the password changed meanwhile (then the newer one stays)."""
    await db.execute("UPDATE users SET hashed_password = ? WHERE id = ? AND hashed_password = ?", (new, user_id, old))


async def delete_unless_last_admin(db: Any, user_id: int) -> int:
    """Delete the account unless it is the last active super admin; the number of rows deleted."""
    # fixed SQL fragments only (the dialect picks one); values are bound
    sql = ("DELETE FROM users WHERE id = ? AND (NOT (is_superuser = ? AND is_active = ?) OR "  # noqa: S608
           f"{others_remain(db.dialect)})")
    deleted: int = await db.execute(sql, (user_id, True, True, True, True, user_id))
    return deleted

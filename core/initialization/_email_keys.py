"""Account keys after migration 0004: re-key what SQL could not, and find the addresses that collide.

Migration 0004 keys existing rows by ASCII lower-casing, which is :func:`core.emails.email_key` for ASCII
addresses only. Here every row with a non-ASCII address, or without a key, gets its real key. A row whose key
another account holds keeps a NULL key: it is never merged, renamed or deleted, only reported (by the
initialisation report and ``/system/status``) until an admin gives it a distinct address. Only those rows are
read, so on a database of ASCII addresses a run costs one query that returns nothing.
"""

from __future__ import annotations

from core.db import Database, IntegrityError
from core.emails import email_key

# Rows whose key may be wrong or missing: no key, or an address with a non-ASCII character (characters differ from
# bytes in UTF-8 exactly then).
_SUSPECT = {
    "sqlite": ("SELECT id, email, email_key FROM users "
               "WHERE email_key IS NULL OR length(CAST(email AS BLOB)) <> length(email) ORDER BY id"),
    "postgresql": ("SELECT id, email, email_key FROM users "
                   "WHERE email_key IS NULL OR octet_length(email) <> length(email) ORDER BY id"),
}
_SUSPECT["d1"] = _SUSPECT["sqlite"]


async def rekey_accounts(db: Database) -> int:
    """Give each suspect row its real key where no other account holds it; the number of rows changed."""
    changed = 0
    for row in await db.fetch_all(_SUSPECT[db.dialect]):
        key = email_key(str(row["email"]))
        if row["email_key"] == key:
            continue
        try:
            changed += await db.execute("UPDATE users SET email_key = ? WHERE id = ?", (key, row["id"]))
            continue
        except IntegrityError:
            pass
        # Another account holds the key. The oldest account keeps it, as in the migration: a younger holder
        # (keyed by SQL's ASCII fold) gives it up; otherwise this row waits, unkeyed, for an admin.
        holder = await db.fetch_one("SELECT id FROM users WHERE email_key = ?", (key,))
        if holder is not None and int(holder["id"]) > int(row["id"]):
            await db.batch([("UPDATE users SET email_key = NULL WHERE id = ?", (holder["id"],)),
                            ("UPDATE users SET email_key = ? WHERE id = ?", (key, row["id"]))])
            changed += 2
        elif row["email_key"] is not None:
            changed += await db.execute("UPDATE users SET email_key = NULL WHERE id = ?", (row["id"],))
    return changed


async def email_collisions(db: Database) -> list[list[int]]:
    """Groups of account ids that share one address key: the key's holder first, then the unkeyed rows, by id."""
    groups: dict[str, list[int]] = {}
    for row in await db.fetch_all("SELECT id, email FROM users WHERE email_key IS NULL ORDER BY id"):
        groups.setdefault(email_key(str(row["email"])), []).append(int(row["id"]))
    collisions = []
    for key, ids in groups.items():
        holder = await db.fetch_one("SELECT id FROM users WHERE email_key = ?", (key,))
        group = ([int(holder["id"])] if holder is not None else []) + ids
        if len(group) > 1:
            collisions.append(group)
    return sorted(collisions)

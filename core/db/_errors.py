"""The database errors every adapter raises, whatever the driver underneath.

Adapters translate their driver's exceptions (``sqlite3.Error``, ``psycopg.Error``, a D1 ``JsException``) into
these in one place each, so callers never import a driver to catch its errors.
"""

from __future__ import annotations

from core.errors import LeancoreError


class DatabaseError(LeancoreError):
    """A statement or connection failed; the message names what and why (never the password of a URL)."""

    code = "database_error"


class DatabaseUnavailableError(DatabaseError):
    """The database cannot be reached or opened (server down, bad credentials, missing directory)."""

    code = "database_unavailable"


class IntegrityError(DatabaseError):
    """A constraint refused the statement (a UNIQUE email already taken, a NOT NULL column left empty)."""

    code = "database_integrity_error"


class DatabaseValueError(DatabaseError, ValueError):
    """A parameter the database cannot store as given (text holding a lone surrogate, which has no UTF-8 form; on
    D1 an integer beyond a double's range): refused before or by the driver, and nothing was written."""

    code = "database_value_unsupported"


def unencodable(dialect: str) -> DatabaseValueError:
    """The error for a str parameter with no UTF-8 form (a lone surrogate); the value itself is not echoed."""
    return DatabaseValueError(f"{dialect}: a text parameter holds a lone surrogate and cannot be encoded as UTF-8")


class UnsupportedDatabaseError(DatabaseError, ValueError):
    """The URL's scheme (or the object given) is not a database leancore can talk to."""

    code = "database_unsupported"


class TransactionConflictError(DatabaseError):
    """A concurrent transaction made this one fail (deadlock, serialization failure) every time it was run."""

    code = "database_conflict"

"""``python -m api create-admin --email EMAIL [--password-stdin]``: create the super admin, or reset one.

The password comes from a prompt (``getpass``, asked twice) or, with ``--password-stdin``, from the first line of
standard input (for scripts: ``printf '%s\\n' "$PW" | python -m api create-admin --email ... --password-stdin``).
It must meet the api's password rule (``core.settings.password_problem``), in every environment. An account that
already has the email gets the new password and is made an active super admin again; its tokens stop working (their
``cred`` claim no longer matches the stored hash). The database is ``DATABASE_URL``'s, and must be initialised.

Exit status: 0 done, 1 the database cannot be opened or is not initialised, 2 invalid input or settings.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.db import Database
    from core.settings import Settings

PROG = "python -m api create-admin"

class Refused(Exception):
    """A reason to stop, said in one line, with the exit status it maps to."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def read_password(from_stdin: bool) -> str:
    """The new password: stdin's first line (without its line ending), or typed twice at a prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise Refused(2, "no terminal to prompt on: pipe the password in with --password-stdin")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Repeat it: ") != first:
        raise Refused(2, "the two passwords differ")
    return first


async def upsert_super_admin(db: Database, email: str, hashed: str) -> str:
    """Create ``email`` as an active super admin with ``hashed``, or set those on the existing account; say which."""
    from api import accounts

    existing = await accounts.upsert_super_admin(db, email, hashed)
    if existing is None:
        return f"created super admin {email}"
    email = str(existing["email"])
    done = ["password reset"]
    if not existing["is_active"]:
        done.append("re-activated")
    if not existing["is_superuser"]:
        done.append("made super admin")
    return f"{email}: " + ", ".join(done) + " (its existing tokens no longer work)"


async def apply(settings: Settings, email: str, password: str) -> str:
    from core.db import connect
    from core.initialization import is_database_initialized
    from core.passwords import PasswordHasher

    db = await connect(settings.database_url)
    try:
        if not await is_database_initialized(db):
            raise Refused(1, "the database is not initialised: run python -m core.initialization first "
                             "(python -m api does it on startup)")
        hashed = PasswordHasher(rounds=settings.password_rounds).hash(password)
        return await upsert_super_admin(db, email, hashed)
    finally:
        await db.close()


def run(argv: list[str]) -> str:
    """Parse, validate, write; the line to print. Raises :class:`Refused` for anything the user must fix."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0].split(": ", 1)[1])
    parser.add_argument("--email", required=True, help="the super admin's email address")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input instead of prompting")
    args = parser.parse_args(argv)

    from core.db import DatabaseError
    from core.emails import EmailNotValidError, validate_email
    from core.settings import Settings, SettingsError, password_problem

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise Refused(2, "the settings are invalid: " + "; ".join(exc.problems)) from None
    try:
        email = validate_email(args.email.strip()).normalized
    except EmailNotValidError as exc:
        raise Refused(2, f"--email: not a valid email address ({exc})") from None
    password = read_password(args.password_stdin)
    problem = password_problem(password)
    if problem is not None:
        raise Refused(2, f"the password {problem}")
    try:
        return asyncio.run(apply(settings, email, password))
    except DatabaseError as exc:
        raise Refused(1, str(exc).strip().replace("\n", " ")) from None


def main(argv: list[str]) -> int:
    try:
        print(run(argv))
    except Refused as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.status
    return 0

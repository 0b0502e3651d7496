"""``python -m api [--host 127.0.0.1] [--port 8000]``: serve the api with uvicorn.

``python -m api create-admin --email EMAIL [--password-stdin]`` creates the super admin or resets its password
(api/_create_admin.py).

Defaults suit a first run on a fresh machine: the embedded SQLite file ``leancore.sqlite3`` in the working
directory (``DATABASE_URL`` to change it) and initialisation on startup (``INIT_ON_STARTUP`` defaults to true here;
set it to false to skip). Security events go to stderr as JSON lines.

Proxy headers (``X-Forwarded-For``, ``X-Forwarded-Proto``) are honoured only from the peers ``FORWARDED_ALLOW_IPS``
names, and by default from none: uvicorn's own default trusts 127.0.0.1, so any process on the host could pose as
any client and walk around the per-client rate limits.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys


def _database_problem() -> str | None:
    """Why the configured database cannot be opened, in one line, or None when it can.

    Checked before uvicorn starts: a failure inside the app's lifespan would reach the user as uvicorn's traceback.
    """
    import asyncio

    from core.db import DatabaseError, connect
    from core.settings import Settings

    async def probe() -> None:
        db = await connect(Settings.from_env().database_url)
        await db.close()

    try:
        asyncio.run(probe())
    except DatabaseError as exc:
        return str(exc).strip().replace("\n", " ")
    return None


def main(argv: list[str] | None = None) -> int:
    command = sys.argv[1:] if argv is None else argv
    if command[:1] == ["create-admin"]:
        from api._create_admin import main as create_admin

        return create_admin(command[1:])
    return serve(argv)


def serve(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__.splitlines()[0],
                                     epilog="first admin: python -m api create-admin --email EMAIL [--password-stdin]")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default: 8000)")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    args = parser.parse_args(argv)
    os.environ.setdefault("INIT_ON_STARTUP", "true")

    from core.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print("leancore: cannot start, the settings are invalid:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    unreachable = _database_problem()
    if unreachable is not None:
        print(f"leancore: cannot start, {unreachable}", file=sys.stderr)
        return 1

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger("leancore.security").addHandler(handler)
    api_log = logging.getLogger("leancore.api")
    loud = logging.StreamHandler()
    loud.setFormatter(logging.Formatter("%(levelname)s:  leancore: %(message)s"))
    api_log.addHandler(loud)
    api_log.setLevel(logging.INFO)

    import uvicorn

    trusted = settings.forwarded_allow_ips
    # proxy_headers=False when no proxy is trusted: uvicorn then leaves the socket peer as the client untouched.
    uvicorn.run("api.main:app", host=args.host, port=args.port, log_level=args.log_level,
                proxy_headers=bool(trusted), forwarded_allow_ips=list(trusted))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

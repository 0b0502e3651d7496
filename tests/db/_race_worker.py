"""One competitor in a race test: connect, signal ready, wait for the start file, initialise, print the report.

Run as a script (``python tests/db/_race_worker.py URL READY_FILE GO_FILE``) so every competitor is a real,
separate process; the connection is opened before the start signal so that the initialisations overlap.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from core.db import connect
from core.initialization import initialize_database
from core.settings import Settings


async def main(url: str, ready: Path, go: Path) -> None:
    settings = Settings(database_url=url, admin_email="admin@example.com", super_admin_password="pw",
                        password_rounds=1000)
    db = await connect(url, timeout=30)
    ready.touch()
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.0005)
    try:
        report = await initialize_database(db, settings)
    finally:
        await db.close()
    print(report.to_json())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])))

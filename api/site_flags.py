"""The site settings the api itself obeys: ``registration_open`` and ``maintenance_mode``.

Read from ``site_settings`` at most every ``FLAGS_TTL_SECONDS`` per process (per Workers isolate), so that a request
costs no extra query; a ``PATCH /settings`` on this process applies at once, elsewhere within the TTL. Only JSON
``true`` turns a flag on; a missing key means off (``registration_open`` is seeded true by the initialisation).

Maintenance: every request other than ``/system/*`` gets 503 ``maintenance`` with ``Retry-After``, unless it
carries an active super admin's bearer token; a super admin's login still works (api/routers/auth.py: any other
login attempt gets the same 503, whatever the reason it would have failed, so maintenance does not tell who the
super admins are). The API's description (``/docs``, ``/openapi.json``) stays readable, and an unknown path is the
usual 404: the gate runs in the routes' dependencies (api/deps.py), and neither serves any data.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from api.errors import ApiError

FLAGS_TTL_SECONDS = 5.0
MAINTENANCE_RETRY_AFTER_SECONDS = 300
FLAGS = ("maintenance_mode", "registration_open")
BOOLEAN_SETTINGS = frozenset(FLAGS)  # PATCH /settings refuses anything but true/false for these


class SiteFlags:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._values: dict[str, bool] | None = None
        self._read_at = 0.0

    async def _get(self, db: Any) -> dict[str, bool]:
        now = self._clock()
        if self._values is None or now - self._read_at >= FLAGS_TTL_SECONDS:
            rows = await db.fetch_all("SELECT key, value FROM site_settings WHERE key IN (?, ?)", FLAGS)
            self._values = {str(row["key"]): json.loads(row["value"]) is True for row in rows}
            self._read_at = now
        return self._values

    def forget(self) -> None:
        """Read the flags again on next use (after this process changed them)."""
        self._values = None

    async def maintenance(self, db: Any) -> bool:
        return (await self._get(db)).get("maintenance_mode", False)

    async def registration_open(self, db: Any) -> bool:
        return (await self._get(db)).get("registration_open", False)


def in_maintenance() -> ApiError:
    return ApiError(503, "maintenance", "the site is down for maintenance; try again later",
                    {"Retry-After": str(MAINTENANCE_RETRY_AFTER_SECONDS)})


def exempt(path: str) -> bool:
    """Paths maintenance never closes: ``/system/*`` (health, status, initialisation) and the login, which checks
    for itself that the account is a super admin."""
    return path.startswith("/system/") or path == "/auth/login"

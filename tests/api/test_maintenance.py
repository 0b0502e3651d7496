"""maintenance_mode: 503 maintenance with Retry-After for everything but /system/* and super admins, whose login
still works; api.site_flags reads the flags at most every few seconds per process."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.site_flags import FLAGS_TTL_SECONDS, MAINTENANCE_RETRY_AFTER_SECONDS, SiteFlags
from tests.api.conftest import ADMIN, ADMIN_PASSWORD

pytestmark = pytest.mark.anyio
PASSWORD = "password-1234"


@pytest.fixture
async def closed(session: Any, client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, str]:
    """A plain user's headers, taken before the super admin turned maintenance on."""
    await session.create_user(admin, "plain@example.com")
    plain: dict[str, str] = await session.bearer("plain@example.com", PASSWORD)
    response = await client.patch("/settings", headers=admin, json={"maintenance_mode": True})
    assert response.status_code == 200
    return plain


def _is_maintenance(response: httpx.Response) -> bool:
    return (response.status_code == 503 and response.json()["code"] == "maintenance"
            and response.headers["Retry-After"] == str(MAINTENANCE_RETRY_AFTER_SECONDS))


async def test_everyone_but_super_admins_gets_503(session: Any, client: httpx.AsyncClient,
                                                  admin: dict[str, str], closed: dict[str, str]) -> None:
    """Anonymous and plain-user requests, sign-up and reset get 503 maintenance; the super admin's pass."""
    assert _is_maintenance(await client.get("/settings"))
    assert _is_maintenance(await client.get("/users/me", headers=closed))
    assert _is_maintenance(await client.get("/auth/me", headers=closed))
    assert _is_maintenance(await client.get("/users/me", headers={"Authorization": "Bearer not-a-token"}))
    assert _is_maintenance(await client.post("/auth/register", json={"email": "n@example.com",
                                                                     "password": PASSWORD}))
    assert _is_maintenance(await client.post("/auth/password-reset", json={"email": "plain@example.com"}))
    assert (await client.get("/users", headers=admin)).status_code == 200
    assert (await client.get("/users/me", headers=admin)).status_code == 200


async def test_system_routes_stay_open(client: httpx.AsyncClient, admin: dict[str, str],
                                       closed: dict[str, str]) -> None:
    """/system/health answers as usual, and the super admin's /system/status too."""
    assert (await client.get("/system/health")).status_code == 200
    assert (await client.get("/system/status", headers=admin)).status_code == 200


async def test_unknown_paths_are_404_and_the_description_stays_readable(client: httpx.AsyncClient,
                                                                        closed: dict[str, str]) -> None:
    """An unknown path, anonymous or with a plain user's token, is the usual 404 JSON (the gate sits in the routes'
    dependencies, so neither 503 nor 500); /openapi.json still answers 200."""
    for headers in ({}, closed):
        response = await client.get("/no/such/path", headers=headers)
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json()["code"] == "not_found"
    assert (await client.get("/openapi.json")).status_code == 200


async def test_only_a_super_admin_logs_in_and_failures_look_alike(session: Any, closed: dict[str, str]) -> None:
    """The super admin's login works; a plain user's correct password, a wrong password (of either) and an unknown
    account all get the same 503, so maintenance does not tell who the super admins are."""
    assert (await session.login(ADMIN, ADMIN_PASSWORD)).status_code == 200
    for email, password in (("plain@example.com", PASSWORD), ("plain@example.com", "wrong-password"),
                            (ADMIN, "wrong-password"), ("nobody@example.com", PASSWORD)):
        assert _is_maintenance(await session.login(email, password)), email


def test_openapi_lists_503_with_retry_after_wherever_maintenance_can_stop_a_route() -> None:
    """Every route outside /system/* that takes the database or a bearer user (where the gate runs; the login checks
    for itself) documents a 503 ErrorBody with an optional Retry-After of whole seconds."""
    from fastapi.routing import APIRoute

    from api import create_app, deps

    def calls(dependant: Any) -> set[Any]:
        return {dependant.call}.union(*(calls(sub) for sub in dependant.dependencies))

    app = create_app()
    document = app.openapi()
    gated = []
    for route in app.routes:
        if (not isinstance(route, APIRoute) or route.path.startswith("/system/")
                or not calls(route.dependant) & {deps.get_database, deps.current_user, deps.super_admin}):
            continue
        for method in route.methods:
            response = document["paths"][route.path][method.lower()]["responses"].get("503")
            assert response is not None, f"{method} {route.path}"
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
            assert response["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 0}
            gated.append((method, route.path))
    assert ("GET", "/auth/me") in gated
    assert len(gated) == 18  # every route but the three of /system


async def test_turning_it_off_reopens_at_once(client: httpx.AsyncClient, admin: dict[str, str],
                                              closed: dict[str, str]) -> None:
    """maintenance_mode false on this process: the plain user's old token works again immediately."""
    assert (await client.patch("/settings", headers=admin, json={"maintenance_mode": False})).status_code == 200
    assert (await client.get("/users/me", headers=closed)).status_code == 200


class _Rows:
    def __init__(self) -> None:
        self.value = "false"
        self.reads = 0

    async def fetch_all(self, sql: str, params: Any = ()) -> list[dict[str, str]]:
        self.reads += 1
        return [{"key": "maintenance_mode", "value": self.value}]


async def test_flags_are_read_at_most_once_per_ttl() -> None:
    """Another process's change shows after FLAGS_TTL_SECONDS, not before, and costs one read per TTL."""
    now = [0.0]
    flags, db = SiteFlags(clock=lambda: now[0]), _Rows()
    assert await flags.maintenance(db) is False
    db.value = "true"
    now[0] = FLAGS_TTL_SECONDS / 2
    assert await flags.maintenance(db) is False
    assert db.reads == 1
    now[0] = FLAGS_TTL_SECONDS
    assert await flags.maintenance(db) is True
    assert db.reads == 2
    assert await flags.registration_open(db) is False  # absent: off

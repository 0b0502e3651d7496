"""api.routers.system: health (and 503), status, and the initialize-database auth matrix and rate limit."""

from __future__ import annotations

import asyncio
import json
import platform
import sys
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api import create_app
from api.routers.system import UNINITIALIZED
from core.migrations import load_migrations
from core.settings import Settings

pytestmark = pytest.mark.anyio
INIT_SECRET = "i" * 40


async def test_health_is_public_and_checks_the_database(client: httpx.AsyncClient) -> None:
    """GET /system/health answers 200 healthy with the database ok, without a token."""
    response = await client.get("/system/health")
    assert (response.status_code, response.json()) == (200, {"status": "healthy", "database": "ok"})


@pytest.mark.parametrize("url", ["sqlite:////nonexistent-dir/x/y.sqlite3", "postgresql://postgres@127.0.0.1:1/x"])
async def test_health_is_503_when_the_database_is_unreachable(url: str) -> None:
    """An unopenable SQLite path or a closed PostgreSQL port gives 503 unhealthy, not a 500."""
    app = create_app(Settings(database_url=url, secret_key="k" * 40))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/system/health")
        assert response.status_code == 503
        assert response.json()["status"] == "unhealthy"
        assert response.json()["code"] == "database_unavailable"
        users = await client.get("/users", headers={"Authorization": "Bearer x"})
        assert (users.status_code, users.json()["code"]) == (503, "database_unavailable")


class HungDatabase:
    """A database that never answers (a frozen server): every call waits for ever."""

    dialect = "postgresql"

    async def fetch_one(self, sql: str, params: Any = ()) -> Any:
        await asyncio.Event().wait()

    async def close(self) -> None:
        pass


async def test_health_is_503_in_time_when_the_database_never_answers() -> None:
    """A database that does not answer at all gives health a 503 unhealthy at its deadline instead of waiting; the
    body is exactly the health members followed by the error ones."""
    app = create_app(Settings(secret_key="k" * 40), HungDatabase())  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        # the guard turns a missing deadline into a failure rather than a hung test run
        response = await asyncio.wait_for(client.get("/system/health"), 30)
    assert response.status_code == 503
    assert response.content == (b'{"status":"unhealthy","database":"unavailable","code":"database_unavailable",'
                                b'"message":"the database is unavailable"}')


async def test_status_reports_runtime_database_policy_and_counters(client: httpx.AsyncClient,
                                                                   admin: dict[str, str], app: FastAPI) -> None:
    """/system/status shows the runtime, the applied migrations, the user count, the policy and event counters."""
    response = await client.get("/system/status", headers=admin)
    assert response.status_code == 200
    body = response.json()
    assert body["runtime"] == {"implementation": platform.python_implementation(),
                               "python": platform.python_version(), "platform": sys.platform}
    assert body["database"]["type"] == (await app.state.leancore.database()).dialect
    assert body["database"]["initialized"] is True
    assert body["database"]["migrations"] == [m.name for m in load_migrations("sqlite")]
    assert body["users"] == 1
    assert body["password_policy"]["rounds"] == 1000
    assert body["security_events"]["login_succeeded"] == 1
    assert body["version"] == "0.1.0"


async def test_status_is_for_super_admins_only(session: Any, client: httpx.AsyncClient,
                                               admin: dict[str, str]) -> None:
    """Anonymous 401, ordinary user 403."""
    await session.create_user(admin, "u@example.com")
    user = await session.bearer("u@example.com", "password-1234")
    assert (await client.get("/system/status")).status_code == 401
    assert (await client.get("/system/status", headers=user)).status_code == 403


async def test_initialize_database_auth_matrix(session: Any, client: httpx.AsyncClient,
                                               admin: dict[str, str]) -> None:
    """No credential 401; wrong secret 403; ordinary user 403; bad token 401; right secret or super admin 200."""
    await session.create_user(admin, "u@example.com")
    user = await session.bearer("u@example.com", "password-1234")
    cases = [
        ({}, 401), ({"X-Init-Secret": "wrong"}, 403), (user, 403),
        ({"Authorization": "Bearer nope"}, 401), ({"X-Init-Secret": INIT_SECRET}, 200), (admin, 200),
    ]
    for headers, expected in cases:
        response = await client.post("/system/initialize-database", headers=headers)
        assert response.status_code == expected, (headers, response.text)
    report = response.json()
    assert report["ok"] is True
    assert report["schema_version"] == load_migrations("sqlite")[-1].version
    assert {step["status"] for step in report["steps"]} == {"skipped"}


async def test_without_init_secret_only_a_super_admin_may_initialise(app: FastAPI, admin: dict[str, str]) -> None:
    """With INIT_SECRET unset, any X-Init-Secret is 403 saying none is configured, and the super admin gets 200."""
    context = app.state.leancore
    context.configure(settings=context.settings.replace(init_secret=None),
                      database=await context.database())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        for secret in ("", INIT_SECRET, "None"):
            response = await client.post("/system/initialize-database", headers={"X-Init-Secret": secret})
            assert response.status_code == 403
            assert "no init secret is configured" in response.json()["message"]
        assert (await client.post("/system/initialize-database", headers=admin)).status_code == 200


async def test_initialize_database_is_rate_limited(client: httpx.AsyncClient) -> None:
    """After 10 calls a minute from one client, the 11th gets 429 with Retry-After, even with the right secret."""
    for _ in range(10):
        assert (await client.post("/system/initialize-database", headers={"X-Init-Secret": "bad"})).status_code == 403
    response = await client.post("/system/initialize-database", headers={"X-Init-Secret": INIT_SECRET})
    assert (response.status_code, response.json()["code"]) == (429, "rate_limited")
    assert 1 <= int(response.headers["retry-after"]) <= 60


async def test_initialize_database_creates_an_empty_database(env: dict[str, str]) -> None:
    """On a database never initialised, the init secret runs every step and a login works afterwards."""
    app = create_app(Settings.from_env(env))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.post("/system/initialize-database", headers={"X-Init-Secret": INIT_SECRET})
        assert response.status_code == 200
        assert response.json()["created"]["users"] == ["admin@example.com"]
        login = await client.post("/auth/login", data={"username": "admin@example.com",
                                                       "password": "correct horse battery"})
        assert login.status_code == 200
    await app.state.leancore.close()


async def test_health_is_503_uninitialized_until_the_database_is_initialised(env: dict[str, str]) -> None:
    """On a database never initialised, health is 503 "uninitialized" saying what to run; after init, 200 healthy."""
    app = create_app(Settings.from_env(env))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        for _ in range(2):  # not cached while uninitialised
            response = await client.get("/system/health")
            assert response.status_code == 503
            assert "python -m core.initialization" in response.json()["message"]
            assert response.content == json.dumps({"status": "uninitialized", "database": "ok",
                                                   "code": "database_uninitialized", "message": UNINITIALIZED},
                                                  separators=(",", ":"), ensure_ascii=False).encode()
        assert (await client.post("/system/initialize-database",
                                  headers={"X-Init-Secret": INIT_SECRET})).status_code == 200
        response = await client.get("/system/health")
        assert (response.status_code, response.json()) == (200, {"status": "healthy", "database": "ok"})
    await app.state.leancore.close()


async def test_health_answers_while_logins_hash(app: FastAPI, client: httpx.AsyncClient) -> None:
    """With 8 logins at 200,000 rounds in flight, /system/health still answers at once (hashing is off-loop)."""
    context = app.state.leancore
    context.configure(settings=context.settings.replace(password_rounds=200_000),
                      database=await context.database())
    logins = [asyncio.create_task(client.post("/auth/login", data={"username": f"u{i}@example.com",
                                                                     "password": "x"})) for i in range(8)]
    await asyncio.sleep(0.05)  # let the logins reach their hashing threads
    health = await client.get("/system/health")
    assert health.status_code == 200
    assert not all(task.done() for task in logins), "health should have answered before the logins finished"
    assert {r.status_code for r in await asyncio.gather(*logins)} == {401}

"""One account per address whatever its case or form: sign-up, admin create and update, login and the init's super
admin all use the address key; colliding rows from before migration 0004 are reported, not merged."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api import create_app
from core.db import connect
from core.initialization import initialize_database
from core.migrations import load_migrations
from core.settings import Settings
from tests.api.conftest import ADMIN, ADMIN_PASSWORD, INIT_SECRET, ROUNDS, SECRET_KEY, Session

pytestmark = pytest.mark.anyio
SPELLINGS = ["Alice@example.com", "ALICE@EXAMPLE.COM", "\uff41lice@example.com", "  alice@Example.com "]


@pytest.mark.parametrize("spelling", SPELLINGS)
async def test_another_spelling_of_a_taken_address_is_409(session: Any, client: httpx.AsyncClient,
                                                          admin: dict[str, str], spelling: str) -> None:
    """Once alice@ exists, Alice@, ALICE@, a fullwidth a, or padded mixed case is the same address: 409."""
    await session.create_user(admin, "alice@example.com")
    again = await client.post("/users", headers=admin, json={"email": spelling, "password": "password-1234"})
    assert (again.status_code, again.json()["code"]) == (409, "email_taken")
    listed = (await client.get("/users", headers=admin)).json()
    assert listed["total"] == 2


async def test_the_address_is_shown_as_typed_and_any_spelling_logs_in(session: Any, admin: dict[str, str]) -> None:
    """An account made as Alice.Smith@ keeps that spelling and logs in as alice.smith@ or in fullwidth capitals."""
    created = await session.create_user(admin, "Alice.Smith@example.com")
    assert created["email"] == "Alice.Smith@example.com"
    for spelling in ("alice.smith@example.com", "ALICE.SMITH@example.com"):
        response = await session.login(spelling, "password-1234")
        assert response.status_code == 200, (spelling, response.text)
    assert (await session.login(ADMIN.upper(), ADMIN_PASSWORD)).status_code == 200


async def test_an_admin_rename_onto_another_spelling_of_a_taken_address_is_409(
        session: Any, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """PATCH /users/{id} with another account's address in other letter case: 409, nothing changed."""
    bob = await session.create_user(admin, "bob@example.com")
    response = await client.patch(f"/users/{bob['id']}", headers=admin, json={"email": "ADMIN@example.com"})
    assert (response.status_code, response.json()["code"]) == (409, "email_taken")
    assert (await client.get(f"/users/{bob['id']}", headers=admin)).json()["email"] == "bob@example.com"


async def _legacy_duplicate(app: FastAPI, email: str) -> None:
    """A row as the case-sensitive api let in before migration 0004: its key collides, so it has none."""
    db = await app.state.leancore.database()
    await db.execute("INSERT INTO users (email, email_key, hashed_password) VALUES (?, NULL, 'x')", (email,))


async def test_status_and_init_report_list_colliding_accounts_until_renamed(
        app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """A legacy Admin@ beside admin@ is in /system/status and the init report as [1, 2]; renamed, it is gone."""
    await _legacy_duplicate(app, "Admin@example.com")
    assert (await client.get("/system/status", headers=admin)).json()["email_collisions"] == [[1, 2]]
    report = await client.post("/system/initialize-database", headers={"X-Init-Secret": INIT_SECRET})
    assert report.json()["email_collisions"] == [[1, 2]]
    renamed = await client.patch("/users/2", headers=admin, json={"email": "admin.old@example.com"})
    assert renamed.status_code == 200, renamed.text
    assert (await client.get("/system/status", headers=admin)).json()["email_collisions"] == []
    report = await client.post("/system/initialize-database", headers={"X-Init-Secret": INIT_SECRET})
    assert report.json()["email_collisions"] == []


async def test_a_colliding_legacy_row_cannot_take_over_the_keyed_account(app: FastAPI, session: Any) -> None:
    """Logging in as the legacy spelling reaches the keyed (oldest) account: the unkeyed row's password does not
    open it, and the admin's does."""
    await _legacy_duplicate(app, "Admin@example.com")
    assert (await session.login("Admin@example.com", "x")).status_code == 401
    assert (await session.login("Admin@example.com", ADMIN_PASSWORD)).status_code == 200


async def test_a_third_spelling_over_a_migrated_legacy_database_is_409(tmp_path: Any) -> None:
    """A SQLite database holding carol@ and Carol@ from before migration 0004, then initialised: a super admin's
    create and a sign-up with a third spelling are 409 email_taken JSON, and /system/status still lists [1, 2]."""
    url = f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
    legacy = await connect(url)
    try:
        before_keys = [m for m in load_migrations("sqlite") if m.version < 4]
        assert (await initialize_database(legacy, Settings(password_rounds=ROUNDS), migrations=before_keys,
                                          hasher=str)).ok
        for email in ("carol@example.com", "Carol@example.com"):
            await legacy.execute("INSERT INTO users (email, hashed_password) VALUES (?, ?)", (email, "x"))
    finally:
        await legacy.close()
    settings = Settings.from_env({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "ADMIN_EMAIL": ADMIN,
                                  "SUPER_ADMIN_PASSWORD": ADMIN_PASSWORD, "PASSWORD_ROUNDS": str(ROUNDS)})
    app = create_app(settings)
    context = app.state.leancore
    try:
        report = await initialize_database(await context.database(), settings, hasher=context.hasher.hash)
        assert report.ok, report.errors
        assert report.email_collisions == [[1, 2]]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            admin = await Session(client).bearer()
            created = await client.post("/users", headers=admin,
                                        json={"email": "CAROL@example.com", "password": "password-1234"})
            registered = await client.post("/auth/register",
                                           json={"email": "\uff43arol@example.com", "password": "password-1234"})
            for response in (created, registered):
                assert response.status_code == 409, response.text
                assert response.headers["content-type"] == "application/json"
                body = response.json()
                assert (set(body), body["code"]) == ({"code", "message"}, "email_taken")
            status = await client.get("/system/status", headers=admin)
            assert status.json()["email_collisions"] == [[1, 2]]
            assert (await client.get("/users", headers=admin)).json()["total"] == 3
    finally:
        await context.close()

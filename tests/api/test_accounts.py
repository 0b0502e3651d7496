"""One account per address whatever its case or form: sign-up, admin create and update, login and the init's super
admin all use the address key; colliding rows from before migration 0004 are reported, not merged."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import ADMIN, ADMIN_PASSWORD, INIT_SECRET

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

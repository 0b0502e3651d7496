"""api.routers.me: a user reads, changes and deletes their own account; flags stay the admin's; the last super
admin cannot delete themself."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import ADMIN, ADMIN_PASSWORD

pytestmark = pytest.mark.anyio
PASSWORD = "password-1234"


@pytest.fixture
async def plain(session: Any, admin: dict[str, str]) -> dict[str, str]:
    await session.create_user(admin, "plain@example.com")
    headers: dict[str, str] = await session.bearer("plain@example.com", PASSWORD)
    return headers


async def test_a_normal_user_reads_their_own_account_only(client: httpx.AsyncClient, plain: dict[str, str]) -> None:
    """GET /users/me is the caller's account; another id stays 403, no token 401."""
    me = await client.get("/users/me", headers=plain)
    assert (me.status_code, me.json()["email"], me.json()["is_superuser"]) == (200, "plain@example.com", False)
    assert (await client.get("/users/1", headers=plain)).status_code == 403
    assert (await client.get("/users/me")).status_code == 401


@pytest.mark.parametrize(("body", "code"), [
    ({"email": "new@example.com"}, "current_password_required"),
    ({"password": "another-password"}, "current_password_required"),
    ({"email": "new@example.com", "current_password": "wrong-password"}, "wrong_password"),
    ({"is_superuser": True, "current_password": PASSWORD}, "validation_error"),
    ({"is_active": False}, "validation_error"),
])
async def test_a_change_without_the_current_password_or_to_a_flag_is_422(
        client: httpx.AsyncClient, plain: dict[str, str], body: dict[str, Any], code: str) -> None:
    """Email and password need the right current_password; is_superuser and is_active are refused outright."""
    response = await client.patch("/users/me", headers=plain, json=body)
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert (await client.get("/users/me", headers=plain)).json()["email"] == "plain@example.com"


async def test_changing_the_email_keeps_the_session_and_moves_the_login(session: Any, client: httpx.AsyncClient,
                                                                        plain: dict[str, str]) -> None:
    """With the current password the address changes; the token still works; login takes the new address only."""
    response = await client.patch("/users/me", headers=plain,
                                  json={"email": "Renamed@example.com", "current_password": PASSWORD})
    assert (response.status_code, response.json()["email"]) == (200, "Renamed@example.com")
    assert (await client.get("/users/me", headers=plain)).status_code == 200
    assert (await session.login("renamed@example.com", PASSWORD)).status_code == 200
    assert (await session.login("plain@example.com", PASSWORD)).status_code == 401


async def test_taking_another_accounts_address_in_other_case_is_409(client: httpx.AsyncClient,
                                                                     plain: dict[str, str]) -> None:
    """PATCH /users/me onto ADMIN@ (the admin's address, other case): 409 email_taken."""
    response = await client.patch("/users/me", headers=plain,
                                  json={"email": ADMIN.upper(), "current_password": PASSWORD})
    assert (response.status_code, response.json()["code"]) == (409, "email_taken")


async def test_a_new_password_ends_every_earlier_token(session: Any, client: httpx.AsyncClient,
                                                       plain: dict[str, str]) -> None:
    """PATCH /users/me with a new password: the old token is 401 token_revoked; the new password logs in."""
    response = await client.patch("/users/me", headers=plain,
                                  json={"password": "a-new-password", "current_password": PASSWORD})
    assert response.status_code == 200
    old = await client.get("/users/me", headers=plain)
    assert (old.status_code, old.json()["code"]) == (401, "token_revoked")
    assert (await session.login("plain@example.com", "a-new-password")).status_code == 200


async def test_deleting_ones_account_ends_it(session: Any, client: httpx.AsyncClient, plain: dict[str, str]) -> None:
    """DELETE /users/me: 204, then the token and the password are worthless."""
    assert (await client.delete("/users/me", headers=plain)).status_code == 204
    assert (await client.get("/users/me", headers=plain)).status_code == 401
    assert (await session.login("plain@example.com", PASSWORD)).status_code == 401


async def test_the_last_super_admin_cannot_delete_themself(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """DELETE /users/me by the only active super admin: 409 last_super_admin, the account remains."""
    response = await client.delete("/users/me", headers=admin)
    assert (response.status_code, response.json()["code"]) == (409, "last_super_admin")
    assert (await client.get("/users/me", headers=admin)).status_code == 200


async def test_a_super_admin_deletes_themself_when_another_remains(session: Any, client: httpx.AsyncClient,
                                                                  admin: dict[str, str]) -> None:
    """With a second active super admin, the first may delete their own account."""
    await session.create_user(admin, "second@example.com", is_superuser=True)
    assert (await client.delete("/users/me", headers=admin)).status_code == 204
    assert (await session.login(ADMIN, ADMIN_PASSWORD)).status_code == 401

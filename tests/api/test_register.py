"""POST /auth/register: sign-up while registration_open is true, the admin's email and password rules, one
account per address, a per-client limit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.throttle import REGISTER_LIMIT

pytestmark = pytest.mark.anyio


async def _register(client: httpx.AsyncClient, email: str, password: str = "password-1234",
                    **headers: str) -> httpx.Response:
    return await client.post("/auth/register", json={"email": email, "password": password}, headers=headers)


async def test_sign_up_creates_a_plain_account_that_logs_in(session: Any, client: httpx.AsyncClient) -> None:
    """With the seeded registration_open true: 201 with the new user (not a super admin), then login works."""
    response = await _register(client, "New.Person@Example.com")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["email"], body["is_superuser"], body["is_active"]) == ("New.Person@example.com", False, True)
    assert "hashed_password" not in body
    assert (await session.login("new.person@example.com", "password-1234")).status_code == 200


@pytest.mark.parametrize(("email", "password", "status", "code"), [
    ("ADMIN@example.com", "password-1234", 409, "email_taken"),
    ("not-an-email", "password-1234", 422, "validation_error"),
    ("short@example.com", "short", 422, "validation_error"),
])
async def test_sign_up_follows_the_admins_rules(client: httpx.AsyncClient, email: str, password: str, status: int,
                                                code: str) -> None:
    """A taken address in any case is 409; a bad address or a short password 422."""
    response = await _register(client, email, password)
    assert (response.status_code, response.json()["code"]) == (status, code)


async def test_flags_cannot_be_set_at_sign_up(client: httpx.AsyncClient) -> None:
    """is_superuser in the body is refused (422), not ignored."""
    response = await client.post("/auth/register", json={"email": "x@example.com", "password": "password-1234",
                                                         "is_superuser": True})
    assert response.status_code == 422


async def test_closed_registration_is_403_and_reopens(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """registration_open false: 403 registration_closed at once; true again: sign-up works."""
    assert (await client.patch("/settings", headers=admin, json={"registration_open": False})).status_code == 200
    closed = await _register(client, "late@example.com")
    assert (closed.status_code, closed.json()["code"]) == (403, "registration_closed")
    assert (await client.patch("/settings", headers=admin, json={"registration_open": True})).status_code == 200
    assert (await _register(client, "late@example.com")).status_code == 201


async def test_a_removed_registration_setting_means_closed(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """Deleting the key (null) closes sign-up: only an explicit true opens it."""
    await client.patch("/settings", headers=admin, json={"registration_open": None})
    assert (await _register(client, "x@example.com")).status_code == 403


@pytest.mark.parametrize("value", ["yes", 1, "true", None])
async def test_site_flags_take_booleans_only(client: httpx.AsyncClient, admin: dict[str, str], value: Any) -> None:
    """registration_open and maintenance_mode refuse "yes", 1 and "true" (422); null still removes the key."""
    for key in ("registration_open", "maintenance_mode"):
        response = await client.patch("/settings", headers=admin, json={key: value})
        assert response.status_code == (200 if value is None else 422), (key, response.text)


async def test_sign_ups_are_limited_per_client(client: httpx.AsyncClient) -> None:
    """The first REGISTER_LIMIT sign-ups from one address pass, the next is 429 with Retry-After."""
    for n in range(REGISTER_LIMIT.attempts):
        assert (await _register(client, f"user{n}@example.com")).status_code == 201
    refused = await _register(client, "one.more@example.com")
    assert (refused.status_code, refused.json()["code"]) == (429, "too_many_attempts")
    assert int(refused.headers["Retry-After"]) > 0

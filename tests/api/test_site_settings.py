"""api.routers.site_settings: public reading, super-admin merging (null removes a key)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_anyone_reads_the_defaults(client: httpx.AsyncClient) -> None:
    """GET /settings needs no token and returns the seeded defaults as JSON values."""
    response = await client.get("/settings")
    assert response.status_code == 200
    assert response.json() == {"maintenance_mode": False, "registration_open": True, "site_name": "leancore"}


async def test_patch_merges_and_null_removes(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """Given keys are set (any JSON value), null deletes, untouched keys stay."""
    response = await client.patch("/settings", headers=admin,
                                  json={"site_name": "Mine", "maintenance_mode": None, "limits": {"a": [1, 2.5]}})
    assert response.status_code == 200
    expected = {"limits": {"a": [1, 2.5]}, "registration_open": True, "site_name": "Mine"}
    assert response.json() == expected
    assert (await client.get("/settings")).json() == expected


async def test_patch_needs_a_super_admin(session: Any, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """Without a token 401, as an ordinary user 403."""
    await session.create_user(admin, "u@example.com")
    user = await session.bearer("u@example.com", "password-1234")
    assert (await client.patch("/settings", json={"site_name": "x"})).status_code == 401
    assert (await client.patch("/settings", headers=user, json={"site_name": "x"})).status_code == 403


@pytest.mark.parametrize("body", [{"Bad Key": 1}, {"": 1}, ["site_name"], {"k" * 65: 1}])
async def test_bad_keys_and_shapes_are_422(client: httpx.AsyncClient, admin: dict[str, str], body: Any) -> None:
    """Keys must be short snake_case names and the body an object."""
    response = await client.patch("/settings", headers=admin, json=body)
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")

"""POST /auth/logout-all: every token of the user ends at once, access tokens and reset links alike."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.tokens import issue_reset_token

pytestmark = pytest.mark.anyio


async def test_logout_all_ends_every_token_and_a_new_login_works(app: FastAPI, session: Any,
                                                                 client: httpx.AsyncClient,
                                                                 admin: dict[str, str]) -> None:
    """Two sessions and a reset link, then logout-all from one: all three are 401; a fresh login is fine."""
    await session.create_user(admin, "many@example.com")
    first = await session.bearer("many@example.com", "password-1234")
    second = await session.bearer("many@example.com", "password-1234")
    db = await app.state.leancore.database()
    row = await db.fetch_one("SELECT id, hashed_password, token_version FROM users WHERE email_key = ?",
                             ("many@example.com",))
    reset, _ = issue_reset_token(app.state.leancore, dict(row))
    assert (await client.post("/auth/logout-all", headers=first)).status_code == 204
    for headers in (first, second):
        response = await client.get("/users/me", headers=headers)
        assert (response.status_code, response.json()["code"]) == (401, "token_revoked")
    confirm = await client.post("/auth/password-reset/confirm", json={"token": reset, "new_password": "x" * 12})
    assert (confirm.status_code, confirm.json()["code"]) == (401, "reset_token_used")
    again = await session.bearer("many@example.com", "password-1234")
    assert (await client.get("/users/me", headers=again)).status_code == 200


async def test_logout_all_needs_a_token(client: httpx.AsyncClient) -> None:
    """Without a bearer token: 401 not_authenticated."""
    response = await client.post("/auth/logout-all")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


async def test_logout_all_ends_only_the_callers_tokens(session: Any, client: httpx.AsyncClient,
                                                       admin: dict[str, str]) -> None:
    """Another user's session survives someone's logout-all."""
    await session.create_user(admin, "one@example.com")
    one = await session.bearer("one@example.com", "password-1234")
    assert (await client.post("/auth/logout-all", headers=one)).status_code == 204
    assert (await client.get("/users/me", headers=admin)).status_code == 200

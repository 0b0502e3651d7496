"""One regression test per finding of the outside attack run against the api (throttles, a hung database, bad
input), in process and on SQLite and PostgreSQL. Each names the finding; the end-to-end versions on real server
processes are in tests/api/test_servers.py and tests/api/test_servers_frozen_database.py. core's findings and the
published advisories of the libraries core replaces are in tests/core/test_advisories.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.throttle import LOGIN_ACCOUNT_BACKOFF, LOGIN_CLIENT_LIMIT
from core.settings import Settings

pytestmark = pytest.mark.anyio

ADMIN, ADMIN_PASSWORD = "admin@example.com", "correct horse battery"  # the deployment of tests/api/conftest.py


def client_from(app: FastAPI, address: str) -> httpx.AsyncClient:
    """An HTTP client whose requests reach ``app`` from the socket address ``address``."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url="http://t")


async def wrong_password(http: httpx.AsyncClient, email: str, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = await http.post("/auth/login", data={"username": email, "password": "wrong"}, headers=headers)
    return response.status_code


async def test_finding_rotating_emails_from_one_client_were_never_throttled(app: FastAPI) -> None:
    """86 logins in 20 s from 4 clients, each on a new email, each a full hash: one client now gets 429 once it
    has used its per-client allowance, whichever emails it tries."""
    async with client_from(app, "203.0.113.9") as http:
        codes = [await wrong_password(http, f"u{i}@example.com") for i in range(LOGIN_CLIENT_LIMIT.attempts + 1)]
    assert codes[-1] == 429
    assert codes[:-1] == [401] * LOGIN_CLIENT_LIMIT.attempts


async def test_finding_one_account_from_rotating_addresses_was_never_throttled(app: FastAPI) -> None:
    """A rotating address made 20 guesses on one account without a 429: the per-account backoff now refuses
    attempts past its free ones, whatever address they come from (and whatever X-Forwarded-For says)."""
    codes = []
    for i in range(LOGIN_ACCOUNT_BACKOFF.free + 1):
        async with client_from(app, f"198.51.100.{i}") as http:
            codes.append(await wrong_password(http, ADMIN, forwarded=f"192.0.2.{i}"))
    assert codes == [401] * LOGIN_ACCOUNT_BACKOFF.free + [429]


async def test_finding_a_database_that_never_answers_hung_health(settings: Settings) -> None:
    """With PostgreSQL frozen, /system/health waited as long as the database did: it now answers 503 at its
    deadline (0.75 s) however long the database hangs."""

    class Frozen:
        dialect = "postgresql"

        async def fetch_one(self, sql: str, params: Any = ()) -> Any:
            await asyncio.Event().wait()

        async def close(self) -> None:
            pass

    app = create_app(Settings(secret_key="k" * 40), Frozen())  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        response = await asyncio.wait_for(http.get("/system/health"), 30)  # a guard, not the figure under test
    assert (response.status_code, response.json()["code"]) == (503, "database_unavailable")


@pytest.mark.parametrize("body", [b'{"site_name": "\\ud800"}', b'{"site_name": NaN}', b'{"site_name": 1e999}',
                                  b'{"site_name": "caf\xe9"}'],
                         ids=["lone-surrogate", "nan", "1e999", "invalid-utf-8"])
async def test_finding_bodies_that_are_not_json_a_database_can_store(client: httpx.AsyncClient,
                                                                    admin: dict[str, str], body: bytes) -> None:
    """PATCH /settings with a lone surrogate was a plain-text 500, NaN and 1e999 were stored as null, invalid
    UTF-8 an undocumented 400: each is now 422 validation_error with the usual JSON body, and nothing is stored."""
    before = (await client.get("/settings")).json()
    response = await client.patch("/settings", headers={**admin, "content-type": "application/json"}, content=body)
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert (await client.get("/settings")).json() == before


async def test_finding_a_reactivated_user_got_their_old_tokens_back(session: Any, client: httpx.AsyncClient,
                                                                   admin: dict[str, str]) -> None:
    """A token issued before a deactivation worked again after the reactivation: it now stays revoked."""
    user = await session.create_user(admin, "returner@example.com", "password-1234")
    old = await session.bearer("returner@example.com", "password-1234")
    for active in (False, True):
        response = await client.patch(f"/users/{user['id']}", headers=admin, json={"is_active": active})
        assert response.status_code == 200
    response = await client.get("/auth/me", headers=old)
    assert (response.status_code, response.json()["code"]) == (401, "token_revoked")


@pytest.mark.parametrize("flag", [0, 1, "true", "false"])
async def test_finding_booleans_were_coerced(client: httpx.AsyncClient, admin: dict[str, str], flag: object) -> None:
    """is_superuser: 0 or "true" was coerced to a boolean: only JSON true/false are accepted now (422 else)."""
    response = await client.post("/users", headers=admin, json={"email": "flag@example.com",
                                                                "password": "password-1234", "is_superuser": flag})
    assert response.status_code == 422


async def test_finding_405_listed_only_one_allowed_method(client: httpx.AsyncClient) -> None:
    """OPTIONS /settings answered 405 with Allow: GET although the path also serves PATCH: Allow lists both."""
    response = await client.options("/settings")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "PATCH"}


async def test_finding_a_long_login_form_said_not_valid_utf8(client: httpx.AsyncClient) -> None:
    """A login form with more than 8 fields was refused as "not valid UTF-8": the message now says what is wrong."""
    form = {"username": ADMIN, "password": ADMIN_PASSWORD, **{f"f{i}": "x" for i in range(8)}}
    response = await client.post("/auth/login", data=form)
    assert response.status_code == 422
    assert "more than 8 fields" in response.text
    assert "UTF-8" not in response.text

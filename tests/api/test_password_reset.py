"""Password reset without a table: the same 202 whatever the address, a single-purpose single-use token, delivery by
the development log, a webhook, or a super admin's answer, and 501 in production with nowhere to send it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from api import create_app
from api.throttle import RESET_ACCOUNT_LIMIT
from core.initialization import initialize_database
from core.settings import Settings

pytestmark = pytest.mark.anyio
USER, PASSWORD = "reset.me@example.com", "password-1234"


def _events(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, Any]]:
    events = [json.loads(r.getMessage()) for r in caplog.records if r.name == "leancore.security"]
    return [e for e in events if e["event"] == name]


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


@pytest.fixture
async def user(session: Any, admin: dict[str, str]) -> dict[str, Any]:
    created: dict[str, Any] = await session.create_user(admin, USER)
    return created


async def _request(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post("/auth/password-reset", json={"email": email})


async def _logged_link(client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, email: str = USER) -> str:
    caplog.set_level("INFO", logger="leancore.security")
    assert (await _request(client, email)).status_code == 202
    return str(_events(caplog, "password_reset_link")[-1]["link"])


async def test_the_answer_is_the_same_for_known_and_unknown_addresses(app: FastAPI, client: httpx.AsyncClient,
                                                                      user: dict[str, Any]) -> None:
    """202 with one body for an account and for nobody, after the same sequence of database statements."""
    db = await app.state.leancore.database()
    statements: list[str] = []
    for method in ("execute", "fetch_one", "fetch_all"):
        original = getattr(db, method)

        def recording(sql: str, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            statements.append(sql)
            return _original(sql, *args, **kwargs)

        setattr(db, method, recording)
    known = await _request(client, "Reset.Me@example.com")
    known_statements, statements[:] = list(statements), []
    unknown = await _request(client, "nobody@example.com")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 202
    assert known_statements == statements


async def test_a_logged_link_resets_the_password_once(session: Any, client: httpx.AsyncClient, user: dict[str, Any],
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """In development the link is in the security log; confirming it sets the password and ends the old session;
    a second use is 401 reset_token_used."""
    old_session = await session.bearer(USER, PASSWORD)
    link = await _logged_link(client, caplog)
    assert link.startswith("http://testserver/auth/password-reset/confirm?token=")
    body = {"token": _token(link), "new_password": "brand-new-password"}
    assert (await client.post("/auth/password-reset/confirm", json=body)).status_code == 204
    assert (await session.login(USER, "brand-new-password")).status_code == 200
    assert (await session.login(USER, PASSWORD)).status_code == 401
    assert (await client.get("/users/me", headers=old_session)).json()["code"] == "token_revoked"
    again = await client.post("/auth/password-reset/confirm", json={**body, "new_password": "third-password"})
    assert (again.status_code, again.json()["code"]) == (401, "reset_token_used")
    assert [e["outcome"] for e in _events(caplog, "password_reset_requested")] == ["sent"]
    assert len(_events(caplog, "password_reset_completed")) == 1


async def test_tokens_keep_to_their_purpose(session: Any, client: httpx.AsyncClient, user: dict[str, Any],
                                            caplog: pytest.LogCaptureFixture) -> None:
    """An access token cannot confirm a reset, and a reset token is not an access token: both 401 wrong_token_use."""
    access = (await session.login(USER, PASSWORD)).json()["access_token"]
    refused = await client.post("/auth/password-reset/confirm", json={"token": access, "new_password": "x" * 12})
    assert (refused.status_code, refused.json()["code"]) == (401, "wrong_token_use")
    reset = _token(await _logged_link(client, caplog))
    as_access = await client.get("/users/me", headers={"Authorization": f"Bearer {reset}"})
    assert (as_access.status_code, as_access.json()["code"]) == (401, "wrong_token_use")


async def test_tampered_and_expired_reset_tokens_are_401(app: FastAPI, client: httpx.AsyncClient,
                                                         user: dict[str, Any], caplog: pytest.LogCaptureFixture,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed signature and a token past PASSWORD_RESET_MINUTES are refused with the codes core gives."""
    reset = _token(await _logged_link(client, caplog))
    tampered = reset[:-2] + ("AA" if not reset.endswith("AA") else "BB")
    response = await client.post("/auth/password-reset/confirm", json={"token": tampered, "new_password": "x" * 12})
    assert response.status_code == 401
    assert response.json()["code"] in ("invalid_signature", "malformed_token")
    monkeypatch.setattr(time, "time", lambda real=time.time: real() - 31 * 60)
    stale = _token(await _logged_link(client, caplog))
    monkeypatch.undo()
    response = await client.post("/auth/password-reset/confirm", json={"token": stale, "new_password": "x" * 12})
    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


async def test_an_inactive_account_gets_no_link(client: httpx.AsyncClient, admin: dict[str, str],
                                                user: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    """A deactivated account's request answers 202 like any other and sends nothing."""
    await client.patch(f"/users/{user['id']}", headers=admin, json={"is_active": False})
    caplog.set_level("INFO", logger="leancore.security")
    assert (await _request(client, USER)).status_code == 202
    assert _events(caplog, "password_reset_link") == []


async def test_links_per_account_are_capped_quietly(client: httpx.AsyncClient, user: dict[str, Any],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """Past RESET_ACCOUNT_LIMIT links in the window the answer is still 202, but no more links go out."""
    caplog.set_level("INFO", logger="leancore.security")
    for _ in range(RESET_ACCOUNT_LIMIT.attempts + 2):
        assert (await _request(client, USER)).status_code == 202
    assert len(_events(caplog, "password_reset_link")) == RESET_ACCOUNT_LIMIT.attempts


async def test_a_super_admin_gets_a_working_link_in_the_answer(session: Any, client: httpx.AsyncClient,
                                                               admin: dict[str, str], user: dict[str, Any]) -> None:
    """POST /users/{id}/password-reset returns the link; it works like a mailed one. Others get 403."""
    response = await client.post(f"/users/{user['id']}/password-reset", headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["expires_in"] == 30 * 60
    assert _token(body["reset_url"]) == body["token"]
    plain = await session.bearer(USER, PASSWORD)
    assert (await client.post(f"/users/{user['id']}/password-reset", headers=plain)).status_code == 403
    confirm = await client.post("/auth/password-reset/confirm",
                                json={"token": body["token"], "new_password": "set-by-link-1"})
    assert confirm.status_code == 204
    assert (await session.login(USER, "set-by-link-1")).status_code == 200


async def test_an_admin_link_for_an_inactive_or_missing_account_is_refused(client: httpx.AsyncClient,
                                                                           admin: dict[str, str],
                                                                           user: dict[str, Any]) -> None:
    """Deactivated: 409 user_inactive; no such id: 404."""
    await client.patch(f"/users/{user['id']}", headers=admin, json={"is_active": False})
    inactive = await client.post(f"/users/{user['id']}/password-reset", headers=admin)
    assert (inactive.status_code, inactive.json()["code"]) == (409, "user_inactive")
    assert (await client.post("/users/999/password-reset", headers=admin)).status_code == 404


async def _app_with(env: dict[str, str], **extra: str) -> FastAPI:
    settings = Settings.from_env({**env, **extra})
    application = create_app(settings)
    context = application.state.leancore
    assert (await initialize_database(await context.database(), settings, hasher=context.hasher.hash)).ok
    return application


async def test_production_without_a_webhook_says_so_with_501(env: dict[str, str]) -> None:
    """ENVIRONMENT=production and no PASSWORD_RESET_WEBHOOK_URL: 501 reset_delivery_unconfigured, not a fake 202."""
    application = await _app_with(env, ENVIRONMENT="production")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as client:
        response = await _request(client, "anyone@example.com")
    await application.state.leancore.close()
    assert (response.status_code, response.json()["code"]) == (501, "reset_delivery_unconfigured")


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A real HTTP server on loopback that records each JSON body POSTed to it and answers 204."""
    received: list[dict[str, Any]] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        received.append(json.loads(await reader.readexactly(length)))
        writer.write(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/send", received
    server.close()
    await server.wait_closed()


async def test_production_delivers_by_webhook_with_the_configured_page(
        env: dict[str, str], receiver: tuple[str, list[dict[str, Any]]], caplog: pytest.LogCaptureFixture) -> None:
    """With PASSWORD_RESET_WEBHOOK_URL the link is POSTed as JSON (address, link on PASSWORD_RESET_URL, lifetime);
    nothing carrying the token reaches the log."""
    url, received = receiver
    application = await _app_with(env, ENVIRONMENT="production", PASSWORD_RESET_WEBHOOK_URL=url,
                                  PASSWORD_RESET_URL="https://app.example.com/reset?lang=en")
    caplog.set_level("INFO", logger="leancore.security")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as client:
        admin_token = (await client.post("/auth/login", data={"username": env["ADMIN_EMAIL"],
                                                              "password": env["SUPER_ADMIN_PASSWORD"]})).json()
        headers = {"Authorization": f"Bearer {admin_token['access_token']}"}
        await client.post("/users", headers=headers, json={"email": USER, "password": PASSWORD})
        assert (await _request(client, USER)).status_code == 202
    await application.state.leancore.close()
    assert len(received) == 1
    assert (received[0]["email"], received[0]["expires_in"]) == (USER, 30 * 60)
    assert received[0]["link"].startswith("https://app.example.com/reset?lang=en&token=")
    token = _token(received[0]["link"])
    assert not any(token in r.getMessage() for r in caplog.records)
    assert len(_events(caplog, "password_reset_delivered")) == 1


async def test_a_failing_webhook_is_logged_and_the_answer_unchanged(env: dict[str, str],
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """A webhook nobody listens on: still 202; the failure is a password_reset_delivery_failed event."""
    application = await _app_with(env, PASSWORD_RESET_WEBHOOK_URL="http://127.0.0.1:9/closed")
    caplog.set_level("INFO", logger="leancore.security")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as client:
        assert (await _request(client, env["ADMIN_EMAIL"])).status_code == 202
    await application.state.leancore.close()
    assert [e["error"] for e in _events(caplog, "password_reset_delivery_failed")] == ["ConnectError"]

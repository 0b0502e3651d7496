"""api.events: one JSON line per security event on leancore.security, without secrets; counters in status."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from api.events import SecurityEvents

pytestmark = pytest.mark.anyio


def _events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "leancore.security"]


async def test_login_events_are_json_lines_without_secrets(session: Any, client: httpx.AsyncClient,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    """Failure, success and token rejection each log one JSON object; no password or token text appears."""
    caplog.set_level("INFO", logger="leancore.security")
    await session.login(password="hunter2-wrong")
    token = (await session.login()).json()["access_token"]
    await client.get("/auth/me", headers={"Authorization": f"Bearer {token}x"})
    events = _events(caplog)
    assert [e["event"] for e in events] == ["login_failed", "login_succeeded", "token_rejected"]
    assert events[0]["reason"] == "wrong_password"
    assert events[2]["code"] == "invalid_signature"
    text = caplog.text
    for secret in ("hunter2-wrong", "correct horse battery", token, "k" * 40):
        assert secret not in text


async def test_throttle_and_init_are_logged(session: Any, client: httpx.AsyncClient,
                                            caplog: pytest.LogCaptureFixture) -> None:
    """A throttle hit and an initialisation run (with its summary) are events too."""
    caplog.set_level("INFO", logger="leancore.security")
    for _ in range(6):
        await session.login(password="wrong")
    await client.post("/system/initialize-database", headers={"X-Init-Secret": "i" * 40})
    events = _events(caplog)
    assert any(e["event"] == "throttled" and e["scope"] == "login" for e in events)
    (run,) = [e for e in events if e["event"] == "initialization_run"]
    assert (run["ok"], run["changed"], run["via"]) == (True, False, "init_secret")
    assert "i" * 40 not in caplog.text


async def test_account_flows_log_their_events_without_passwords_or_tokens(
        session: Any, client: httpx.AsyncClient, admin: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    """Sign-up, login, a reset link's confirm and logout-all log user_registered, login_succeeded,
    password_reset_completed and logout_all, and no captured record holds a password or a token string."""
    caplog.set_level("INFO", logger="leancore.security")
    email, password, new_password = "flow@example.com", "sign-up-secret-1", "reset-secret-2"
    registered = await client.post("/auth/register", json={"email": email, "password": password})
    assert registered.status_code == 201, registered.text
    access = (await session.login(email, password)).json()["access_token"]
    # The admin's link, not a mailed one: development logs a mailed link (password_reset_link) by design.
    link = await client.post(f"/users/{registered.json()['id']}/password-reset", headers=admin)
    reset = link.json()["token"]
    confirm = await client.post("/auth/password-reset/confirm", json={"token": reset, "new_password": new_password})
    assert confirm.status_code == 204, confirm.text
    fresh = (await session.login(email, new_password)).json()["access_token"]
    assert (await client.post("/auth/logout-all", headers={"Authorization": f"Bearer {fresh}"})).status_code == 204
    names = [e["event"] for e in _events(caplog)]
    for name in ("user_registered", "login_succeeded", "password_reset_completed", "logout_all"):
        assert name in names
    secrets = (password, new_password, access, reset, fresh, admin["Authorization"].removeprefix("Bearer "))
    assert caplog.records
    for record in caplog.records:  # every logger's, with its raw message, arguments and extra attributes
        text = f"{record.getMessage()} {vars(record)!r}"
        for secret in secrets:
            assert secret not in text, (record.name, record.getMessage())


def test_forbidden_fields_are_refused() -> None:
    """Passing a password or token field to emit is a programming error, caught before anything is logged."""
    with pytest.raises(ValueError, match="never carry"):
        SecurityEvents().emit("login_failed", password="x")


def test_counters_count_by_event_and_reason() -> None:
    """The snapshot counts events, split by reason where one is given."""
    events = SecurityEvents()
    events.emit("login_failed", reason="wrong_password")
    events.emit("login_failed", reason="wrong_password")
    events.emit("login_succeeded")
    assert events.snapshot() == {"login_failed:wrong_password": 2, "login_succeeded": 1}

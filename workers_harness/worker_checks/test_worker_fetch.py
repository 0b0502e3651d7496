"""worker.Default.fetch over a real local D1: health, initialisation (idempotent), login, migrations agreement, and
deactivation ending tokens."""

from __future__ import annotations

import json
import sys
from typing import Any
from urllib.parse import urlencode

import harness  # registered by run_worker_checks.mjs
from _entry import call_fetch

ADMIN, PASSWORD = "admin@example.com", "correct horse battery staple"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def shipped() -> list[str]:
    """The migrations core ships for D1 (what wrangler applies from core/migrations/sqlite), by name."""
    from core.migrations import load_migrations  # on use: worker.py stays the first to import core, as on workerd

    return [m.name for m in load_migrations("d1")]


async def test_health_answers_through_the_entry_point(env: Any) -> None:
    """GET /system/health is served by worker.Default.fetch via the SDK's asgi.fetch with a 200."""
    status, body = await call_fetch(env, "GET", "/system/health")
    assert status == 200, body


async def test_initialize_needs_the_init_secret(env: Any) -> None:
    """POST /system/initialize-database without a valid X-Init-Secret is refused and changes nothing."""
    status, body = await call_fetch(env, "POST", "/system/initialize-database", headers={"X-Init-Secret": "wrong"})
    assert status in (401, 403), body
    assert len(await harness.list_applied_migrations(env.DB)) == 0


async def test_initialize_applies_migrations_then_is_idempotent(env: Any) -> None:
    """The first initialisation applies every migration; the second reports nothing changed."""
    headers = {"X-Init-Secret": env.INIT_SECRET}
    first_status, first = await call_fetch(env, "POST", "/system/initialize-database", headers=headers)
    assert first_status == 200, first
    assert first["ok"] is True, first
    assert first["created"]["migrations"] == shipped(), first
    second_status, second = await call_fetch(env, "POST", "/system/initialize-database", headers=headers)
    assert second_status == 200, second
    assert second["ok"] is True, second
    assert all(step["status"] == "skipped" for step in second["steps"]), second
    assert second["created"] == {"migrations": [], "users": [], "site_settings": []}, second


async def test_wrangler_sees_what_core_applied(env: Any) -> None:
    """wrangler's view of d1_migrations (its list logic) has nothing left to apply from core/migrations/sqlite."""
    applied = [row.name for row in await harness.list_applied_migrations(env.DB)]
    assert applied == shipped(), applied
    assert list(await harness.list_unapplied_migrations(env.DB, "core/migrations/sqlite")) == []


async def _admin_bearer(env: Any) -> dict[str, str]:
    """The initialised admin logs in with the OAuth2 form: the Authorization header for their token."""
    status, token = await call_fetch(env, "POST", "/auth/login", headers=FORM,
                                     body=urlencode({"username": ADMIN, "password": PASSWORD}))
    assert status == 200, token
    return {"Authorization": f"Bearer {token['access_token']}"}


async def test_login_and_me_work_through_the_app(env: Any) -> None:
    """The initialised admin logs in with the OAuth2 form and GET /auth/me returns them with the bearer token."""
    status, me = await call_fetch(env, "GET", "/auth/me", headers=await _admin_bearer(env))
    assert status == 200, me
    assert me["email"] == ADMIN


async def test_wrong_password_is_refused(env: Any) -> None:
    """A wrong password gets 401 through the entry point."""
    status, body = await call_fetch(env, "POST", "/auth/login", headers=FORM,
                                    body=urlencode({"username": ADMIN, "password": "nope"}))
    assert status == 401, body


async def test_status_reports_the_pyodide_runtime(env: Any) -> None:
    """/system/status on the Worker names Pyodide and this interpreter's version (not read through `platform`)."""
    status, body = await call_fetch(env, "GET", "/system/status", headers=await _admin_bearer(env))
    assert status == 200, body
    assert body["runtime"] == {"implementation": "Pyodide", "python": sys.version.split()[0],
                               "platform": "emscripten"}, body
    assert body["database"]["type"] == "d1", body


async def test_deactivation_ends_tokens_on_d1(env: Any) -> None:
    """On D1 too, a token from before a deactivation stays 401 token_revoked after the reactivation."""
    admin = {**await _admin_bearer(env), "Content-Type": "application/json"}
    status, user = await call_fetch(env, "POST", "/users", headers=admin,
                                    body=json.dumps({"email": "leaver@example.com", "password": "password-1234"}))
    assert status == 201, user
    status, token = await call_fetch(env, "POST", "/auth/login", headers=FORM,
                                     body=urlencode({"username": "leaver@example.com", "password": "password-1234"}))
    assert status == 200, token
    before = {"Authorization": f"Bearer {token['access_token']}"}
    for active in (False, True):
        status, body = await call_fetch(env, "PATCH", f"/users/{user['id']}", headers=admin,
                                        body=json.dumps({"is_active": active}))
        assert status == 200, body
    status, body = await call_fetch(env, "GET", "/auth/me", headers=before)
    assert (status, body["code"]) == (401, "token_revoked"), body

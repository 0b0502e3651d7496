"""Accounts on Workers, through worker.Default.fetch over a real local D1: sign-up, login in any letter case, a
password reset whose link reaches a webhook through the runtime's fetch, logout-all, /users/me, maintenance mode,
and CORS. run_worker_checks.mjs points PASSWORD_RESET_WEBHOOK_URL at its receiver (``import webhook``) and sets
CORS_ORIGINS for this file; the Worker runs with ENVIRONMENT=production, so the webhook is the only way a link goes.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import webhook  # registered by run_worker_checks.mjs
from _entry import call_fetch, call_fetch_with_headers, settled

ADMIN, ADMIN_PASSWORD = "admin@example.com", "correct horse battery staple"
ORIGIN = "https://app.example.com"  # CORS_ORIGINS for this file (run_worker_checks.mjs)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}
# Long enough for a loaded machine to answer one request; a 202 that waits for a held webhook never comes.
ANSWER_TIMEOUT_SECONDS = 10.0


def worker_counters() -> Any:
    """The security event counters of the Worker's app (this isolate's)."""
    import worker  # after the first fetch, as workerd imports it

    return worker.app.state.leancore.events.counters


def received() -> list[dict[str, Any]]:
    """What the webhook receiver got so far: [{method, path, content_type, body}]."""
    return json.loads(webhook.received_json())


async def login(env: Any, email: str, password: str) -> tuple[int, Any]:
    return await call_fetch(env, "POST", "/auth/login", headers=FORM,
                            body=urlencode({"username": email, "password": password}))


async def bearer(env: Any, email: str, password: str) -> dict[str, str]:
    status, token = await login(env, email, password)
    assert status == 200, token
    return {"Authorization": f"Bearer {token['access_token']}"}


async def register(env: Any, email: str, password: str) -> tuple[int, Any]:
    return await call_fetch(env, "POST", "/auth/register", headers=JSON,
                            body=json.dumps({"email": email, "password": password}))


async def request_reset(env: Any, email: str) -> tuple[int, Any]:
    return await call_fetch(env, "POST", "/auth/password-reset", headers=JSON, body=json.dumps({"email": email}))


async def confirm(env: Any, token: str, new_password: str) -> tuple[int, Any]:
    return await call_fetch(env, "POST", "/auth/password-reset/confirm", headers=JSON,
                            body=json.dumps({"token": token, "new_password": new_password}))


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def test_the_database_is_initialised(env: Any) -> None:
    """POST /system/initialize-database seeds the admin and registration_open true on D1 (what sign-up needs)."""
    status, body = await call_fetch(env, "POST", "/system/initialize-database",
                                    headers={"X-Init-Secret": env.INIT_SECRET})
    assert (status, body["ok"]) == (200, True), body
    status, site = await call_fetch(env, "GET", "/settings")
    assert status == 200, site
    assert site["registration_open"] is True, site


async def test_sign_up_login_reset_by_webhook_and_logout_all(env: Any) -> None:
    """Sign-up, then login in other letter case; a reset link reaches the webhook through js.fetch; its token sets
    a new password that logs in while the old one and the old token are 401; a second use is 401
    reset_token_used; logout-all ends the new session."""
    status, user = await register(env, "New.Person@Example.com", "first-password-1")
    assert status == 201, user
    assert (user["email"], user["is_superuser"], user["is_active"]) == ("New.Person@example.com", False, True)
    old_session = await bearer(env, "NEW.PERSON@example.COM", "first-password-1")

    before = len(received())
    counters = worker_counters()
    delivered_before = counters["password_reset_delivered"]
    status, body = await request_reset(env, "new.person@EXAMPLE.com")
    assert (status, body["status"]) == (202, "accepted"), body
    await settled()
    assert counters["password_reset_delivered"] == delivered_before + 1, dict(counters)
    delivered = received()[before:]
    assert len(delivered) == 1, delivered
    hook = delivered[0]
    assert (hook["method"], hook["content_type"]) == ("POST", "application/json"), hook
    assert sorted(hook["body"]) == ["email", "expires_in", "link"], hook
    assert hook["body"]["email"] == "New.Person@example.com", hook
    link = hook["body"]["link"]
    assert link.startswith("https://leancore.example/auth/password-reset/confirm?token="), link
    # production's link lifetime, PASSWORD_RESET_MINUTES left at its default
    from core.settings import DEFAULT_PASSWORD_RESET_MINUTES

    assert hook["body"]["expires_in"] == DEFAULT_PASSWORD_RESET_MINUTES * 60, hook

    token = token_of(link)
    status, body = await confirm(env, token, "second-password-2")
    assert status == 204, body
    new_session = await bearer(env, "new.person@example.com", "second-password-2")
    status, body = await login(env, "new.person@example.com", "first-password-1")
    assert status == 401, body
    status, body = await call_fetch(env, "GET", "/users/me", headers=old_session)
    assert (status, body["code"]) == (401, "token_revoked"), body
    status, body = await confirm(env, token, "third-password-3")
    assert (status, body["code"]) == (401, "reset_token_used"), body

    status, me = await call_fetch(env, "GET", "/users/me", headers=new_session)
    assert (status, me["email"]) == (200, "New.Person@example.com"), me
    status, body = await call_fetch(env, "POST", "/auth/logout-all", headers=new_session)
    assert status == 204, body
    status, body = await call_fetch(env, "GET", "/users/me", headers=new_session)
    assert (status, body["code"]) == (401, "token_revoked"), body


async def test_the_reset_answer_does_not_wait_for_the_webhook(env: Any) -> None:
    """With the webhook holding its answer, the 202 still comes at once; the link arrives once it answers (the
    delivery runs in waitUntil, after the response, as on a server after the body is sent)."""
    status, user = await register(env, "patient@example.com", "patient-password-1")
    assert status == 201, user
    before = len(received())
    webhook.hold()
    try:
        status, body = await asyncio.wait_for(request_reset(env, "patient@example.com"), ANSWER_TIMEOUT_SECONDS)
        assert (status, body["status"]) == (202, "accepted"), body
    finally:
        webhook.release()
    await settled()
    delivered = [hook["body"]["email"] for hook in received()[before:]]
    assert delivered == ["patient@example.com"], delivered


async def test_a_webhook_that_never_answers_is_given_up(env: Any) -> None:
    """js.fetch gets WEBHOOK_TIMEOUT_SECONDS too (lowered here): with the webhook holding, the delivery ends as
    password_reset_delivery_failed instead of keeping the request's waitUntil open."""
    import api.delivery

    status, user = await register(env, "stalled@example.com", "stalled-password-1")
    assert status == 201, user
    counters = worker_counters()
    failed_before = counters["password_reset_delivery_failed"]
    timeout, api.delivery.WEBHOOK_TIMEOUT_SECONDS = api.delivery.WEBHOOK_TIMEOUT_SECONDS, 0.2
    webhook.hold()
    try:
        status, body = await request_reset(env, "stalled@example.com")
        assert status == 202, body
        await asyncio.wait_for(settled(), ANSWER_TIMEOUT_SECONDS)
    finally:
        api.delivery.WEBHOOK_TIMEOUT_SECONDS = timeout
        webhook.release()
    assert counters["password_reset_delivery_failed"] == failed_before + 1, dict(counters)


async def test_an_unknown_address_gets_the_same_answer_and_no_link(env: Any) -> None:
    """A reset for an address without an account answers the same 202, and nothing reaches the webhook."""
    before = len(received())
    known_status, known = await request_reset(env, "patient@example.com")
    await settled()
    after_known = len(received())
    status, body = await request_reset(env, "nobody@example.com")
    await settled()
    assert known_status == status == 202, (known, body)
    assert body == known, (known, body)
    assert (after_known - before, len(received()) - after_known) == (1, 0), received()[before:]


async def test_users_me_and_a_colliding_sign_up(env: Any) -> None:
    """GET /users/me returns the caller; a sign-up with a taken address in other letter case is 409 email_taken."""
    status, user = await register(env, "Collide@example.com", "collide-password-1")
    assert status == 201, user
    status, me = await call_fetch(env, "GET", "/users/me", headers=await bearer(env, "collide@example.com",
                                                                                  "collide-password-1"))
    assert status == 200, me
    assert (me["id"], me["email"], me["is_superuser"]) == (user["id"], "Collide@example.com", False), me
    status, body = await register(env, "COLLIDE@EXAMPLE.COM", "another-password-2")
    assert (status, body["code"]) == (409, "email_taken"), body


async def test_maintenance_closes_the_site_but_not_to_the_super_admin(env: Any) -> None:
    """maintenance_mode true: a plain user's request is 503 maintenance with Retry-After, the super admin's passes;
    false again reopens it."""
    plain = await bearer(env, "collide@example.com", "collide-password-1")
    admin = {**await bearer(env, ADMIN, ADMIN_PASSWORD), **JSON}
    status, body = await call_fetch(env, "PATCH", "/settings", headers=admin,
                                    body=json.dumps({"maintenance_mode": True}))
    assert status == 200, body
    try:
        status, headers, body = await call_fetch_with_headers(env, "GET", "/users/me", headers=plain)
        assert (status, body["code"]) == (503, "maintenance"), body
        assert int(headers["retry-after"]) > 0, headers
        status, body = await call_fetch(env, "GET", "/users/me", headers=admin)
        assert (status, body["email"]) == (200, ADMIN), body
    finally:
        status, body = await call_fetch(env, "PATCH", "/settings", headers=admin,
                                        body=json.dumps({"maintenance_mode": False}))
        assert status == 200, body
    status, body = await call_fetch(env, "GET", "/users/me", headers=plain)
    assert status == 200, body


def cors_headers(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.startswith("access-control-")}


PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type"}


async def test_a_preflight_from_a_listed_origin_is_allowed(env: Any) -> None:
    """With CORS_ORIGINS set, a preflight from that origin is 200 naming it, and the real request's answer too."""
    status, headers, _ = await call_fetch_with_headers(env, "OPTIONS", "/auth/login", headers=PREFLIGHT)
    assert status == 200, headers
    assert headers["access-control-allow-origin"] == ORIGIN, headers
    assert "POST" in headers["access-control-allow-methods"], headers
    assert "authorization" in headers["access-control-allow-headers"].lower(), headers
    status, headers, _ = await call_fetch_with_headers(env, "GET", "/settings", headers={"Origin": ORIGIN})
    assert status == 200, headers
    assert headers["access-control-allow-origin"] == ORIGIN, headers


async def test_a_preflight_from_another_origin_gets_no_cors_headers(env: Any) -> None:
    """From an origin not listed, the preflight is the api's 405 JSON and no answer carries a CORS header."""
    other = {**PREFLIGHT, "Origin": "https://evil.example"}
    status, headers, body = await call_fetch_with_headers(env, "OPTIONS", "/auth/login", headers=other)
    assert (status, body["code"]) == (405, "method_not_allowed"), body
    assert cors_headers(headers) == {}, headers
    status, headers, _ = await call_fetch_with_headers(env, "GET", "/settings",
                                                       headers={"Origin": "https://evil.example"})
    assert status == 200, headers
    assert cors_headers(headers) == {}, headers

"""api.routers.auth: login (OAuth2 form), rehash-on-login for legacy hashes, /auth/me, changing one's password."""

from __future__ import annotations

import time
from typing import Any

import bcrypt
import httpx
import pytest
from fastapi import FastAPI

from core.jwt import JWT
from core.passwords import PasswordHasher

pytestmark = pytest.mark.anyio
SECRET_KEY = "k" * 40


async def _insert(app: FastAPI, email: str, hashed: str, *, active: bool = True) -> None:
    db = await app.state.leancore.database()
    await db.execute("INSERT INTO users (email, email_key, hashed_password, is_active, is_superuser) "
                     "VALUES (?, ?, ?, ?, ?)", (email, email.lower(), hashed, active, False))


async def _stored_hash(app: FastAPI, email: str) -> str:
    db = await app.state.leancore.database()
    row = await db.fetch_one("SELECT hashed_password FROM users WHERE email = ?", (email,))
    assert row is not None
    return str(row["hashed_password"])


async def test_login_returns_a_bearer_token_that_me_accepts(session: Any, client: httpx.AsyncClient) -> None:
    """A correct email and password give a bearer token with its lifetime; /auth/me then names the user."""
    response = await session.login()
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 60
    me = await client.get("/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == "admin@example.com"
    assert me.json()["is_superuser"] is True
    assert "hashed_password" not in me.json()


async def test_login_normalises_the_email_like_account_creation(session: Any) -> None:
    """The username is normalised by core.emails, so a differently cased domain still logs in."""
    assert (await session.login("admin@EXAMPLE.com")).status_code == 200


@pytest.mark.parametrize(("email", "password"), [
    ("admin@example.com", "wrong password"),
    ("nobody@example.com", "correct horse battery"),
    ("not an email", "whatever"),
])
async def test_wrong_credentials_get_one_indistinguishable_401(session: Any, email: str, password: str) -> None:
    """Unknown user, wrong password and a non-email username all get the same 401 body and Bearer challenge."""
    response = await session.login(email, password)
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": "incorrect email or password"}
    assert response.headers["www-authenticate"] == "Bearer"


async def test_inactive_user_cannot_log_in(app: FastAPI, session: Any) -> None:
    """A deactivated account with the right password is refused like a wrong password."""
    await _insert(app, "off@example.com", PasswordHasher(rounds=1000).hash("pass-word-1"), active=False)
    assert (await session.login("off@example.com", "pass-word-1")).status_code == 401


async def test_bcrypt_user_logs_in_and_is_upgraded_to_pbkdf2(app: FastAPI, session: Any) -> None:
    """A legacy bcrypt hash (as passlib stored it) verifies; the login stores a policy PBKDF2 hash instead."""
    legacy = bcrypt.hashpw(b"legacy-pass", bcrypt.gensalt(rounds=4)).decode()
    await _insert(app, "old@example.com", legacy)
    assert (await session.login("old@example.com", "legacy-pass")).status_code == 200
    upgraded = await _stored_hash(app, "old@example.com")
    assert upgraded.startswith("$pbkdf2-sha256$1000$")
    assert (await session.login("old@example.com", "legacy-pass")).status_code == 200
    assert await _stored_hash(app, "old@example.com") == upgraded  # already at the policy: left alone
    assert app.state.leancore.events.counters["hash_upgraded"] == 1


async def test_low_round_pbkdf2_user_is_upgraded_on_login(app: FastAPI, session: Any) -> None:
    """A PBKDF2 hash with fewer rounds than the policy is replaced at the next successful login."""
    await _insert(app, "weak@example.com", PasswordHasher(rounds=10).hash("pass-word-2"))
    assert (await session.login("weak@example.com", "pass-word-2")).status_code == 200
    assert (await _stored_hash(app, "weak@example.com")).startswith("$pbkdf2-sha256$1000$")


async def test_wrong_password_on_a_legacy_hash_changes_nothing(app: FastAPI, session: Any) -> None:
    """A failed login on a bcrypt account leaves its stored hash exactly as it was."""
    legacy = bcrypt.hashpw(b"legacy-pass", bcrypt.gensalt(rounds=4)).decode()
    await _insert(app, "old2@example.com", legacy)
    assert (await session.login("old2@example.com", "nope")).status_code == 401
    assert await _stored_hash(app, "old2@example.com") == legacy


async def test_unreadable_stored_hash_is_a_failed_login_not_a_500(app: FastAPI, session: Any) -> None:
    """An account whose stored hash belongs to no scheme cannot log in, and the server does not fail."""
    await _insert(app, "odd@example.com", "md5$whatever")
    response = await session.login("odd@example.com", "anything")
    assert response.status_code == 401
    assert app.state.leancore.events.counters["login_failed:bad_hash:unknown_password_hash"] == 1


@pytest.mark.parametrize(("claims", "code"), [
    ({"sub": "1", "exp": 1}, "token_expired"),
    ({"sub": "1"}, "missing_claim"),
    ({"sub": "999999", "exp": 4102444800}, "invalid_token"),
    ({"sub": "abc", "exp": 4102444800}, "invalid_token"),
])
async def test_bad_tokens_get_401_with_a_bearer_challenge(client: httpx.AsyncClient, claims: dict[str, Any],
                                                          code: str) -> None:
    """Expired, incomplete, unknown-user and non-numeric-subject tokens are 401 with WWW-Authenticate: Bearer."""
    token = JWT().encode(claims, SECRET_KEY)
    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == code


async def test_a_token_signed_with_another_key_is_rejected(client: httpx.AsyncClient) -> None:
    """A well-formed token under a different key fails signature verification."""
    token = JWT().encode({"sub": "1", "exp": int(time.time()) + 60}, "x" * 40)
    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert (response.status_code, response.json()["code"]) == (401, "invalid_signature")


async def test_missing_token_is_401(client: httpx.AsyncClient) -> None:
    """No Authorization header: 401 not_authenticated with the Bearer challenge."""
    response = await client.get("/auth/me")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_change_password_needs_the_current_one(session: Any, client: httpx.AsyncClient,
                                                     admin: dict[str, str]) -> None:
    """A wrong current password is refused; the right one switches the login to the new password."""
    wrong = await client.post("/auth/password", headers=admin,
                              json={"current_password": "nope", "new_password": "brand-new-pass"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "wrong_password")
    ok = await client.post("/auth/password", headers=admin,
                           json={"current_password": "correct horse battery", "new_password": "brand-new-pass"})
    assert ok.status_code == 204
    assert (await session.login()).status_code == 401
    assert (await session.login(password="brand-new-pass")).status_code == 200


async def test_changing_the_password_revokes_every_earlier_token(session: Any, client: httpx.AsyncClient,
                                                                 app: FastAPI) -> None:
    """Tokens issued before a password change (the one that made it included) are 401 token_revoked afterwards;
    a token from the new password works."""
    first, second = await session.bearer(), await session.bearer()
    ok = await client.post("/auth/password", headers=first,
                           json={"current_password": "correct horse battery", "new_password": "brand-new-pass"})
    assert ok.status_code == 204
    for old in (first, second):
        response = await client.get("/auth/me", headers=old)
        assert (response.status_code, response.json()["code"]) == (401, "token_revoked")
        assert response.headers["www-authenticate"] == "Bearer"
    assert app.state.leancore.events.counters["token_rejected"] == 2
    fresh = await session.bearer(password="brand-new-pass")
    assert (await client.get("/auth/me", headers=fresh)).status_code == 200


async def test_an_admin_password_reset_revokes_the_users_tokens(session: Any, client: httpx.AsyncClient,
                                                                admin: dict[str, str]) -> None:
    """A super admin setting a user's password ends that user's sessions, not the admin's own."""
    user = await session.create_user(admin, "reset@example.com", "password-1234")
    users_token = await session.bearer("reset@example.com", "password-1234")
    assert (await client.get("/auth/me", headers=users_token)).status_code == 200
    patched = await client.patch(f"/users/{user['id']}", headers=admin, json={"password": "reset-by-admin"})
    assert patched.status_code == 200
    assert (await client.get("/auth/me", headers=users_token)).json()["code"] == "token_revoked"
    assert (await client.get("/auth/me", headers=admin)).status_code == 200


async def test_a_hash_upgrade_at_login_keeps_the_new_token_valid(app: FastAPI, session: Any,
                                                                client: httpx.AsyncClient) -> None:
    """The token a rehashing login returns is bound to the upgraded hash, so it works straight away."""
    legacy = bcrypt.hashpw(b"legacy-pass", bcrypt.gensalt(rounds=4)).decode()
    await _insert(app, "stamp@example.com", legacy)
    token = await session.bearer("stamp@example.com", "legacy-pass")
    assert await _stored_hash(app, "stamp@example.com") != legacy
    assert (await client.get("/auth/me", headers=token)).status_code == 200


@pytest.mark.parametrize("stamp", [None, "", "AAAAAAAAAAAAAAAAAAAAAA", 7, ["x"], "é", "\ud800"])
async def test_a_token_without_the_right_credential_stamp_is_revoked(client: httpx.AsyncClient, stamp: Any) -> None:
    """A correctly signed token for a real, active user but with a missing or wrong ``cred`` claim is refused."""
    claims: dict[str, Any] = {"sub": "1", "exp": int(time.time()) + 60}
    if stamp is not None:
        claims["cred"] = stamp
    token = JWT().encode(claims, SECRET_KEY)
    response = await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert (response.status_code, response.json()["code"]) == (401, "token_revoked")


@pytest.mark.parametrize("body", [
    b"username=admin%40example.com",
    b"password=x",
    b"username=a&password=b&grant_type=client_credentials",
    b"username=%ff&password=x",
])
async def test_malformed_login_forms_are_422(client: httpx.AsyncClient, body: bytes) -> None:
    """Missing fields, a foreign grant_type or invalid UTF-8 in the form are 422 validation errors."""
    response = await client.post("/auth/login", content=body,
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")


@pytest.mark.parametrize("extra", [7, 50])
async def test_a_login_form_with_too_many_fields_says_so(client: httpx.AsyncClient, extra: int) -> None:
    """A login form of more than 8 fields is 422 naming the field limit, not a claim of invalid UTF-8."""
    body = "username=admin%40example.com&password=x&" + "&".join(f"f{i}=1" for i in range(extra))
    response = await client.post("/auth/login", content=body,
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert response.json()["message"] == "the login form has more than 8 fields"


async def test_a_login_form_of_8_fields_is_read(session: Any, client: httpx.AsyncClient) -> None:
    """Eight fields (the limit) still log in."""
    body = "username=admin%40example.com&password=correct+horse+battery&grant_type=password&scope=&a=&b=&c=&d="
    response = await client.post("/auth/login", content=body,
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200, response.text


async def test_login_as_json_is_415(client: httpx.AsyncClient) -> None:
    """The login is an OAuth2 form; a JSON body is 415 with a message naming the expected type."""
    response = await client.post("/auth/login", json={"username": "a", "password": "b"})
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")

"""api.errors: every error is JSON {"code", "message"}; core errors map through their codes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api import create_app
from api.errors import status_for
from core.db import (
    DatabaseError,
    DatabaseUnavailableError,
    DatabaseValueError,
    IntegrityError,
    TransactionConflictError,
    connect,
)
from core.initialization import initialize_database
from core.jwt import ExpiredSignatureError
from core.passwords import PasswordHasher, PasswordTooLongError
from core.settings import SettingsError

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/nowhere", 404, "not_found"),
    ("DELETE", "/settings", 405, "method_not_allowed"),
])
async def test_framework_errors_are_json_with_a_code(client: httpx.AsyncClient, method: str, path: str,
                                                     status: int, code: str) -> None:
    """Starlette's own 404 and 405 come back in the api's error shape."""
    response = await client.request(method, path)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert isinstance(response.json()["message"], str)


@pytest.mark.parametrize(("content", "content_type"), [
    (b"{not json", "application/json"),
    (b"email=a", "text/plain"),
    (b"[1, 2]", "application/json"),
])
async def test_malformed_bodies_are_422_without_echoing_input(client: httpx.AsyncClient, admin: dict[str, str],
                                                              content: bytes, content_type: str) -> None:
    """Broken JSON, a wrong content type or a wrong shape are 422 validation_error, with no input echoed."""
    response = await client.post("/users", headers={**admin, "content-type": content_type}, content=content)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert all(set(e) == {"type", "loc", "msg"} for e in body["errors"])


async def test_invalid_utf8_json_is_422(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """A JSON body that is not UTF-8 is 422 validation_error like any other bad body, not an undocumented 400."""
    response = await client.post("/users", headers={**admin, "content-type": "application/json"},
                                 content=b'{"email": "\xff\xfe"}')
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert response.json()["errors"] == [{"type": "json_invalid", "loc": ["body", 11],
                                          "msg": "the body is not valid UTF-8 (RFC 8259 §8.1)"}]


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("OPTIONS", "/users", "GET, POST"),
    ("PUT", "/users", "GET, POST"),
    ("OPTIONS", "/users/1", "DELETE, GET, PATCH"),
    ("POST", "/users/abc", "DELETE, GET, PATCH"),
    ("OPTIONS", "/settings", "GET, PATCH"),
    ("DELETE", "/auth/me", "GET"),
])
async def test_405_allow_lists_every_method_of_the_path(client: httpx.AsyncClient, method: str, path: str,
                                                        allow: str) -> None:
    """A method the path does not serve is 405 whose Allow names every method it does serve (RFC 9110 §15.5.6)."""
    response = await client.request(method, path)
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
    assert response.headers["allow"] == allow


@pytest.mark.parametrize(("error", "status"), [
    (IntegrityError("dup"), 409), (TransactionConflictError("deadlock"), 409),
    (DatabaseUnavailableError("down"), 503), (DatabaseError("x"), 503),
    (ExpiredSignatureError("old"), 401), (PasswordTooLongError("long"), 400), (SettingsError(["A: b"]), 400),
    (DatabaseValueError("unstorable"), 422),
])
def test_core_errors_map_to_statuses(error: Exception, status: int) -> None:
    """Integrity and transaction conflicts 409, database trouble 503, token errors 401, a value the database cannot
    store 422, other input rejections 400."""
    assert status_for(error)[0] == status  # type: ignore[arg-type]


class ConflictingUpdates:
    """A real database whose UPDATEs of users always lose to a concurrent transaction (as after the retries)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.dialect = db.dialect

    async def execute(self, sql: str, params: Any = ()) -> int:
        if sql.startswith("UPDATE users"):
            raise TransactionConflictError("postgresql: deadlock detected (a concurrent transaction conflicted with "
                                           "this one 3 times; run it again)")
        result: int = await self.db.execute(sql, params)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


async def test_a_transaction_conflict_is_409_database_conflict_not_unavailable(settings: Any) -> None:
    """A deadlock that outlasted the retries answers 409 with code database_conflict and Retry-After, never 503."""
    db = await connect(settings.database_url)
    try:
        report = await initialize_database(db, settings, hasher=PasswordHasher(rounds=settings.password_rounds).hash)
        assert report.ok, report.errors
        app = create_app(settings, ConflictingUpdates(db))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            login = await client.post("/auth/login", data={"username": settings.admin_email,
                                                          "password": settings.super_admin_password})
            admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
            created = await client.post("/users", headers=admin, json={"email": "u@example.com",
                                                                       "password": "password-1234"})
            response = await client.patch(f"/users/{created.json()['id']}", headers=admin, json={"is_active": False})
        assert response.status_code == 409, response.text
        assert response.json() == {"code": "database_conflict", "message": (
            "postgresql: deadlock detected (a concurrent transaction conflicted with this one 3 times; run it again)")}
        assert response.headers["retry-after"] == "1"
    finally:
        await db.close()


async def test_every_422_carries_the_errors_list(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """A route's own 422s (a wrong current password, a bad login form, a non-boolean site flag) carry ``errors`` with
    type, loc and msg, like request validation's."""
    answers = [
        await client.post("/auth/password", headers=admin,
                          json={"current_password": "not-the-password", "new_password": "a-new-password"}),
        await client.post("/auth/login", data={"username": "a@example.com"}),
        await client.patch("/settings", headers=admin, json={"maintenance_mode": "yes"}),
        await client.patch("/settings", headers=admin, json={"x y": 1}),
    ]
    for response in answers:
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert errors, response.text
        assert set(errors[0]) == {"type", "loc", "msg"}, response.text
    assert answers[0].json()["errors"][0]["loc"] == ["body", "current_password"]
    assert answers[2].json()["errors"][0]["loc"] == ["body", "maintenance_mode"]

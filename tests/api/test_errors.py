"""api.errors: every error is JSON {"code", "message"}; core errors map through their codes."""

from __future__ import annotations

import httpx
import pytest

from api.errors import status_for
from core.db import DatabaseError, DatabaseUnavailableError, DatabaseValueError, IntegrityError
from core.jwt import ExpiredSignatureError
from core.passwords import PasswordTooLongError
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
    (IntegrityError("dup"), 409), (DatabaseUnavailableError("down"), 503), (DatabaseError("x"), 503),
    (ExpiredSignatureError("old"), 401), (PasswordTooLongError("long"), 400), (SettingsError(["A: b"]), 400),
    (DatabaseValueError("unstorable"), 422),
])
def test_core_errors_map_to_statuses(error: Exception, status: int) -> None:
    """Integrity 409, database trouble 503, token errors 401, a value the database cannot store 422, other input
    rejections 400."""
    assert status_for(error)[0] == status  # type: ignore[arg-type]

"""api.middleware: BodySizeLimit (413 for bodies over the cap, by Content-Length or while streaming) and
StrictJsonBody (422 for JSON bodies that are not I-JSON, RFC 7493)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api.middleware import DEFAULT_MAX_BODY_BYTES, json_body_error

pytestmark = pytest.mark.anyio
TOO_LARGE = {"code": "payload_too_large", "message": f"request bodies are limited to {DEFAULT_MAX_BODY_BYTES} bytes"}


async def test_declared_oversize_body_is_413(client: httpx.AsyncClient) -> None:
    """A Content-Length over the cap is refused before the body is read, saying what the cap is."""
    response = await client.post("/auth/login", content=b"x" * (DEFAULT_MAX_BODY_BYTES + 1),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert (response.status_code, response.json()) == (413, TOO_LARGE)


async def test_streamed_oversize_body_is_413(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """A chunked body without Content-Length is cut off once it passes the cap, with the same answer as a declared
    length over it."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"a" * 8192

    response = await client.post("/users", headers={**admin, "content-type": "application/json"}, content=chunks())
    assert (response.status_code, response.json()) == (413, TOO_LARGE)


async def test_body_at_the_cap_passes_the_middleware(client: httpx.AsyncClient) -> None:
    """Exactly the cap is allowed through (the route then judges it)."""
    response = await client.post("/auth/login", content=b"a" * DEFAULT_MAX_BODY_BYTES,
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 422


async def test_invalid_content_length_is_413(client: httpx.AsyncClient) -> None:
    """A Content-Length that is not a number is refused rather than trusted."""
    request = client.build_request("POST", "/auth/login", content=b"x")
    request.headers["content-length"] = "abc"
    response = await client.send(request)
    assert response.status_code == 413


@pytest.mark.parametrize(("content", "loc", "msg"), [
    (b'{"site_name": "\\ud800"}', ["body", "site_name"], "lone surrogate"),
    (b'{"site_name": "a\\udfffb"}', ["body", "site_name"], "lone surrogate"),
    (b'{"site_name": ["ok", {"x": "\\uDC00\\uD800"}]}', ["body", "site_name", 1, "x"], "lone surrogate"),
    (b'{"\\ud83d": 1}', ["body"], "lone surrogate"),
    (b'{"site_name": NaN}', ["body"], "NaN is not a JSON number"),
    (b'{"site_name": Infinity}', ["body"], "Infinity is not a JSON number"),
    (b'{"site_name": [-Infinity]}', ["body"], "-Infinity is not a JSON number"),
    (b'{"site_name": 1e999}', ["body"], "beyond a double's range"),
    (b'{"site_name": -1.5e400}', ["body"], "beyond a double's range"),
    (b'{"site_name": "caf\xe9"}', ["body", 18], "not valid UTF-8"),
    (b'{"site_name": "\xed\xa0\x80"}', ["body", 15], "not valid UTF-8"),
    (b"[" * 50_000, ["body"], "too deeply nested"),
], ids=["surrogate", "low-surrogate", "nested-surrogate", "surrogate-key", "nan", "infinity", "minus-infinity",
        "1e999", "minus-1.5e400", "latin-1", "utf-8-surrogate", "deep"])
async def test_json_bodies_that_are_not_i_json_are_422_and_store_nothing(
        client: httpx.AsyncClient, admin: dict[str, str], content: bytes, loc: list[object], msg: str) -> None:
    """A lone surrogate escape (key or value, at any depth), NaN, Infinity, a number beyond a double or bytes that
    are not UTF-8 are 422 validation_error naming where, and the settings stay as they were."""
    before = (await client.get("/settings")).json()
    response = await client.patch("/settings", headers={**admin, "content-type": "application/json"},
                                  content=content)
    assert (response.status_code, response.json()["code"]) == (422, "validation_error"), response.text
    (error,) = response.json()["errors"]
    assert (error["type"], error["loc"]) == ("json_invalid", loc)
    assert msg in error["msg"]
    assert (await client.get("/settings")).json() == before


async def test_the_json_check_covers_every_json_media_type_and_route(client: httpx.AsyncClient,
                                                                     admin: dict[str, str]) -> None:
    """application/json with parameters and application/*+json are checked too, on any route (a user's password)."""
    for content_type in ("application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"):
        response = await client.post("/users", headers={**admin, "content-type": content_type},
                                     content=b'{"email": "s@example.com", "password": "\\ud800 long enough"}')
        assert (response.status_code, response.json()["errors"][0]["loc"]) == (422, ["body", "password"])


async def test_i_json_bodies_pass_unchanged(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """A paired surrogate escape is the character it encodes; big integers, floats and nesting pass as sent."""
    body = b'{"emoji": "\\ud83d\\ude00", "big": 123456789012345678901234567890, "f": -1.5e300, "n": [[{"a": null}]]}'
    response = await client.patch("/settings", headers={**admin, "content-type": "application/json"}, content=body)
    assert response.status_code == 200, response.text
    got = response.json()
    assert (got["emoji"], got["big"], got["f"], got["n"]) == ("\U0001f600", 123456789012345678901234567890, -1.5e300,
                                                             [[{"a": None}]])


def test_json_body_error_leaves_empty_and_non_text_judgement_to_the_route() -> None:
    """An empty body and a valid JSON body of any shape are not the middleware's to refuse."""
    assert json_body_error(b"") is None
    assert json_body_error(b'"\\\\ud800"') is None  # an escaped backslash, then the letters ud800: plain text
    assert json_body_error(b"[1, 2]") is None


async def test_other_media_types_are_not_parsed(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """A body that is not declared JSON passes the check untouched; the route refuses it as not JSON."""
    response = await client.patch("/settings", headers={**admin, "content-type": "text/plain"},
                                  content=b'{"site_name": NaN}')
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] != "json_invalid"

"""api.middleware.BodySizeLimit: 413 for bodies over the cap, by Content-Length or while streaming."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api.middleware import DEFAULT_MAX_BODY_BYTES

pytestmark = pytest.mark.anyio


async def test_declared_oversize_body_is_413(client: httpx.AsyncClient) -> None:
    """A Content-Length over the cap is refused before the body is read."""
    response = await client.post("/auth/login", content=b"x" * (DEFAULT_MAX_BODY_BYTES + 1),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")


async def test_streamed_oversize_body_is_413(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """A chunked body without Content-Length is cut off once it passes the cap."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"a" * 8192

    response = await client.post("/users", headers={**admin, "content-type": "application/json"}, content=chunks())
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")


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

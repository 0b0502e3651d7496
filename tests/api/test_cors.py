"""api.cors: CORS_ORIGINS unset gives no CORS headers; an allowed origin's preflight and requests get them; another
origin's get none (and its preflight the api's JSON 405)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from api import create_app
from core.initialization import initialize_database
from core.settings import Settings

pytestmark = pytest.mark.anyio
ORIGIN = "https://app.example.com"
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type"}


async def _client(env: dict[str, str], **extra: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings.from_env({**env, **extra})
    application: FastAPI = create_app(settings)
    context = application.state.leancore
    assert (await initialize_database(await context.database(), settings, hasher=context.hasher.hash)).ok
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as client:
        yield client
    await context.close()


@pytest.fixture
async def plain(env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(env):
        yield client


@pytest.fixture
async def cors(env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(env, CORS_ORIGINS=f"{ORIGIN}, http://localhost:5173"):
        yield client


def _cors_headers(response: httpx.Response) -> set[str]:
    return {name for name in response.headers if name.startswith("access-control-")}


async def test_without_cors_origins_there_are_no_cors_headers(plain: httpx.AsyncClient) -> None:
    """Unset: a preflight is the api's 405 JSON with Allow, and no response carries a CORS header."""
    preflight = await plain.options("/auth/login", headers=PREFLIGHT)
    assert (preflight.status_code, preflight.json()["code"]) == (405, "method_not_allowed")
    assert _cors_headers(preflight) == set()
    assert _cors_headers(await plain.get("/settings", headers={"Origin": ORIGIN})) == set()


async def test_an_allowed_origins_preflight_and_request_succeed(cors: httpx.AsyncClient) -> None:
    """From a listed origin: the preflight is 200 naming the origin, methods and headers; the answer to the real
    request names the origin and exposes Retry-After."""
    preflight = await cors.options("/auth/login", headers=PREFLIGHT)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    response = await cors.get("/settings", headers={"Origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "retry-after" in response.headers["access-control-expose-headers"].lower()


async def test_another_origin_gets_no_cors_headers(cors: httpx.AsyncClient) -> None:
    """From an unlisted origin: the preflight is the api's 405 JSON and nothing names an allowed origin."""
    other = {**PREFLIGHT, "Origin": "https://evil.example"}
    preflight = await cors.options("/auth/login", headers=other)
    assert (preflight.status_code, preflight.json()["code"]) == (405, "method_not_allowed")
    assert _cors_headers(preflight) == set()
    assert _cors_headers(await cors.get("/settings", headers={"Origin": "https://evil.example"})) == set()


async def test_error_answers_carry_cors_headers_too(cors: httpx.AsyncClient) -> None:
    """A 401 to an allowed origin still names it, so the browser lets the client read the error body."""
    response = await cors.get("/users/me", headers={"Origin": ORIGIN})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == ORIGIN

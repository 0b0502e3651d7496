"""Fixtures for the api tests: the same app over a real SQLite file and a real PostgreSQL database.

PostgreSQL: a fresh database per session on ``LEANCORE_TEST_POSTGRES_URL`` (default the local server), a new
schema per test (the shared fixtures of the root conftest.py). With ``CI=true`` an unreachable server or missing
psycopg FAILS.
Passwords use 1,000 PBKDF2 rounds here: the tests are about behaviour, not the cost (bench/ measures that).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api import create_app
from core.initialization import initialize_database
from core.settings import Settings

ADMIN = "admin@example.com"
ADMIN_PASSWORD = "correct horse battery"
INIT_SECRET = "i" * 40
SECRET_KEY = "k" * 40
ROUNDS = 1000


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """Each api test runs twice: on a real SQLite file and on a real PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'api.sqlite3'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    """The environment variables of a test deployment (low PBKDF2 rounds)."""
    return {"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "ADMIN_EMAIL": ADMIN,
            "SUPER_ADMIN_PASSWORD": ADMIN_PASSWORD, "INIT_SECRET": INIT_SECRET, "PASSWORD_ROUNDS": str(ROUNDS)}


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    return Settings.from_env(env)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """An app over an initialised database (migrations, the super admin, default settings)."""
    application = create_app(settings)
    context = application.state.leancore
    report = await initialize_database(await context.database(), settings, hasher=context.hasher.hash)
    assert report.ok, report.errors
    yield application
    await context.close()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


class Session:
    """Test helpers bound to one client: log in, get bearer headers, create a user."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def login(self, email: str = ADMIN, password: str = ADMIN_PASSWORD) -> httpx.Response:
        return await self.client.post("/auth/login", data={"username": email, "password": password})

    async def bearer(self, email: str = ADMIN, password: str = ADMIN_PASSWORD) -> dict[str, str]:
        response = await self.login(email, password)
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def create_user(self, admin: dict[str, str], email: str, password: str = "password-1234",
                          **flags: bool) -> dict[str, Any]:
        response = await self.client.post("/users", headers=admin, json={"email": email, "password": password,
                                                                         **flags})
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result


@pytest.fixture
def session(client: httpx.AsyncClient) -> Session:
    return Session(client)


@pytest.fixture
async def admin(session: Session) -> dict[str, str]:
    """Authorization headers of the super admin."""
    return await session.bearer()

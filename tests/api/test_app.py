"""api.app: create_app touches nothing at build time; configure_app; lifespan startup (secret key, init)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

import api.context
from api import configure_app, create_app
from core.db import connect
from core.initialization import initialize_database
from core.settings import Settings, SettingsError


def test_create_app_reads_no_settings_opens_nothing_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building the app never reads the environment, connects, or draws random bytes (Workers snapshot rule)."""

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("touched at build time")

    monkeypatch.setattr(Settings, "from_env", forbidden)
    monkeypatch.setattr(os, "urandom", forbidden)
    monkeypatch.setattr("core.db.connect", forbidden)
    app = create_app()
    assert set(app.openapi()["paths"]) == {
        "/auth/login", "/auth/me", "/auth/password", "/auth/logout-all", "/auth/register", "/auth/password-reset",
        "/auth/password-reset/confirm", "/users", "/users/me", "/users/{user_id}", "/users/{user_id}/password-reset",
        "/settings", "/system/health", "/system/status", "/system/initialize-database"}
    assert app.state.leancore._settings is None
    assert app.state.leancore._database is None


def test_configure_app_installs_and_is_idempotent(tmp_path: Any) -> None:
    """configure_app hands settings and a database to the app; the same objects again change nothing."""

    async def main() -> None:
        settings = Settings(database_url="sqlite:///:memory:", secret_key="k" * 40, password_rounds=1000)
        db = await connect(f"sqlite:///{tmp_path / 'c.sqlite3'}")
        app = create_app()
        configure_app(app, settings=settings, database=db)
        context = app.state.leancore
        hasher = context.hasher
        configure_app(app, settings=settings, database=db)
        assert context.settings is settings
        assert await context.database() is db
        assert context.hasher is hasher  # nothing rebuilt on a repeated call
        assert (await initialize_database(db, settings, hasher=hasher.hash)).ok  # health wants it initialised
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            assert (await client.get("/system/health")).status_code == 200
        await context.close()  # not ours: left open
        assert await db.fetch_one("SELECT 1 AS one") == {"one": 1}
        await db.close()

    asyncio.run(main())


def test_settings_come_from_the_environment_lazily(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Without settings, the first use reads os.environ (DATABASE_URL, PASSWORD_ROUNDS, ...)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("PASSWORD_ROUNDS", "1234")
    app = create_app()
    monkeypatch.setenv("PASSWORD_ROUNDS", "4321")  # read at first use, not at create_app
    assert app.state.leancore.hasher.rounds == 4321


def test_development_without_secret_key_warns_and_uses_a_random_key(caplog: pytest.LogCaptureFixture) -> None:
    """No SECRET_KEY in development: one loud warning and a per-process random key of 64 characters."""
    context = create_app(Settings(secret_key=None)).state.leancore
    key = context.secret_key
    assert len(key) == 64
    assert context.secret_key == key
    assert [r.levelname for r in caplog.records if "SECRET_KEY is not set" in r.getMessage()] == ["WARNING"]
    assert create_app(Settings(secret_key=None)).state.leancore.secret_key != key


async def _lifespan(app: FastAPI) -> None:
    async with app.router.lifespan_context(app):
        pass


def test_production_without_secret_key_fails_at_startup(monkeypatch: pytest.MonkeyPatch) -> None:
    """ENVIRONMENT=production without SECRET_KEY stops the lifespan with a SettingsError naming SECRET_KEY."""
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SettingsError, match="SECRET_KEY: required in production"):
        asyncio.run(_lifespan(create_app()))


def test_init_on_startup_initialises_in_the_lifespan(tmp_path: Any) -> None:
    """INIT_ON_STARTUP=true: the lifespan applies migrations and creates the admin before serving."""
    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}", "INIT_ON_STARTUP": "1",
                                  "ADMIN_EMAIL": "a@example.com", "SUPER_ADMIN_PASSWORD": "pw-123456",
                                  "SECRET_KEY": "k" * 40, "PASSWORD_ROUNDS": "1000"})
    app = create_app(settings)

    async def main() -> None:
        async with app.router.lifespan_context(app):
            db = await app.state.leancore.database()
            assert await db.fetch_one("SELECT email FROM users") == {"email": "a@example.com"}

    asyncio.run(main())
    assert app.state.leancore.events.counters["initialization_run"] == 1


def test_openapi_documents_the_error_shape() -> None:
    """Every 422 in the schema is ErrorBody, FastAPI's HTTPValidationError is gone, the login is a form."""
    schema = create_app().openapi()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    refs = [op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
            for path in schema["paths"].values() for op in path.values() if "422" in op["responses"]]
    assert refs
    assert set(refs) == {"#/components/schemas/ErrorBody"}
    login = schema["paths"]["/auth/login"]["post"]["requestBody"]["content"]
    assert list(login) == ["application/x-www-form-urlencoded"]


def test_hashing_runs_in_a_thread_on_cpython_and_inline_on_pyodide(monkeypatch: pytest.MonkeyPatch) -> None:
    """run_hashing hops to a worker thread on CPython and stays on the loop's thread on Pyodide."""
    import threading

    context = create_app(Settings(password_rounds=1000)).state.leancore

    async def where() -> str:
        return str(await context.run_hashing(lambda: threading.current_thread().name))

    assert asyncio.run(where()) != threading.main_thread().name
    monkeypatch.setattr(api.context, "ON_PYODIDE", True)
    assert asyncio.run(where()) == threading.main_thread().name


def test_error_responses_reference_error_body_as_fastapi_would_document_it() -> None:
    """Every documented 4xx/5xx references ErrorBody (Health for a failed health check), whose component schema is
    the one FastAPI emits for ``{"model": ErrorBody}`` (the routes declare a $ref instead, to build no TypeAdapters)."""
    from api.schemas import ErrorBody

    reference = FastAPI()

    @reference.get("/x", responses={401: {"model": ErrorBody}})
    async def x() -> None:
        return None

    document = create_app().openapi()
    assert document["components"]["schemas"]["ErrorBody"] == reference.openapi()["components"]["schemas"]["ErrorBody"]
    assert list(document["components"]["schemas"]) == sorted(document["components"]["schemas"])
    refs = set()
    for path, operations in document["paths"].items():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    refs.add((path, response["content"]["application/json"]["schema"]["$ref"]))
    assert {ref for _, ref in refs} == {"#/components/schemas/ErrorBody", "#/components/schemas/Health"}
    assert {path for path, ref in refs if ref.endswith("/Health")} == {"/system/health"}


def test_routes_and_their_dependencies_carry_evaluated_annotations() -> None:
    """No endpoint or dependency has a string annotation for FastAPI to eval at build time (api/routers/_table.py)."""
    from fastapi.routing import APIRoute

    def calls(dependant: Any) -> list[Any]:
        return [dependant.call] + [call for sub in dependant.dependencies for call in calls(sub)]

    routes = [route for route in create_app().routes if isinstance(route, APIRoute)]
    assert len(routes) == 21
    for route in routes:
        for call in calls(route.dependant):
            annotations = getattr(call, "__annotations__", {})  # bearer_scheme is an instance: none
            strings = {name for name, value in annotations.items() if isinstance(value, str)}
            assert not strings, f"{route.path} {getattr(call, '__qualname__', call)}: {sorted(strings)}"


def _startup_warnings(settings: Settings, caplog: pytest.LogCaptureFixture) -> list[str]:
    """The leancore.api warnings one lifespan startup logs."""
    caplog.set_level("WARNING", logger="leancore.api")
    asyncio.run(_lifespan(create_app(settings)))
    return [r.getMessage() for r in caplog.records if r.name == "leancore.api" and r.levelname == "WARNING"]


def test_startup_without_a_super_admin_says_how_to_create_one(tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Initialised on startup without ADMIN_EMAIL: one warning naming python -m api create-admin."""
    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}", "INIT_ON_STARTUP": "1",
                                  "SECRET_KEY": "k" * 40})
    (line,) = _startup_warnings(settings, caplog)
    assert line.startswith("no active super admin exists: create one with python -m api create-admin --email")


def test_startup_with_a_super_admin_warns_of_nothing(tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Initialised with the admin from the environment: no startup warning at all."""
    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}", "INIT_ON_STARTUP": "1",
                                  "ADMIN_EMAIL": "a@example.com", "SUPER_ADMIN_PASSWORD": "pw-123456",
                                  "SECRET_KEY": "k" * 40, "PASSWORD_ROUNDS": "1000"})
    assert _startup_warnings(settings, caplog) == []


def test_startup_on_an_uninitialised_database_says_what_to_run(tmp_path: Any,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """INIT_ON_STARTUP false on a fresh database: exactly one warning, naming the init command and the setting."""
    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}", "SECRET_KEY": "k" * 40})
    (line,) = _startup_warnings(settings, caplog)
    assert "python -m core.initialization" in line
    assert "INIT_ON_STARTUP=true" in line


@pytest.mark.parametrize(("field", "value"), [("token_audience", 42), ("token_issuer", ""),
                                              ("access_token_minutes", 0), ("password_reset_minutes", "30")])
def test_a_token_misconfiguration_stops_startup_by_name(tmp_path: Any, field: str, value: Any) -> None:
    """A hand-built Settings with a token setting core would refuse on every request fails at startup, naming the
    field, on a server (lifespan) and on Workers (configure_app) alike."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}").replace(**{field: value})
    with pytest.raises(SettingsError, match=field):
        asyncio.run(_lifespan(create_app(settings)))

    async def configure() -> None:
        db = await connect(f"sqlite:///{tmp_path / 'x.sqlite3'}")
        try:
            with pytest.raises(SettingsError, match=field):
                configure_app(create_app(), settings=settings, database=db)
        finally:
            await db.close()

    asyncio.run(configure())

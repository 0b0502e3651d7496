"""The api against its own OpenAPI schema (schemathesis): no 5xx and no response outside the documented schema.

A bounded run: ``MAX_EXAMPLES`` generated requests per operation (valid and invalid), sent in-process to an app on
an initialised SQLite file, authenticated as the super admin so that every route's body is reached.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from api import create_app
from api.deps import USER_BY_ID, issue_token
from core.initialization import initialize_database
from core.settings import Settings

MAX_EXAMPLES = 30
SECRET_KEY = "s" * 40
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path: Path = tmp_path_factory.mktemp("schemathesis") / "api.sqlite3"
    app_settings = Settings.from_env({
        "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": SECRET_KEY, "ADMIN_EMAIL": "admin@example.com",
        "SUPER_ADMIN_PASSWORD": "correct horse battery", "INIT_SECRET": "i" * 40, "PASSWORD_ROUNDS": "1000"})
    app = create_app(app_settings)

    async def init() -> None:
        context = app.state.leancore
        db = await context.database()
        assert (await initialize_database(db, app_settings, hasher=context.hasher.hash)).ok
        admin = await db.fetch_one(USER_BY_ID, (1,))
        # Issued as a login would (bound to the admin's password hash) but valid for the whole run.
        ADMIN_TOKEN[:] = [issue_token(context, 1, admin["hashed_password"], admin["token_version"])[0]]

    asyncio.run(init())
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")
ADMIN_TOKEN: list[str] = []


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
def test_no_server_errors_and_no_schema_violations(case: Any) -> None:
    """Every generated request gets a non-5xx response whose body and content type match the schema."""
    case.call_and_validate(headers={"Authorization": f"Bearer {ADMIN_TOKEN[0]}"}, checks=CHECKS)

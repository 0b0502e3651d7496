"""The api against its own OpenAPI schema (schemathesis): every check schemathesis has, request by request and in
its stateful phase, where links chain operations (a created user's id fed to GET/PATCH/DELETE /users/{user_id}).

A bounded run: ``MAX_EXAMPLES`` generated requests per operation (valid and invalid) and ``MAX_EXAMPLES``
scenarios of up to ``MAX_STEPS`` linked calls, sent in-process to an app on an initialised SQLite file. Every call
is authenticated as a super admin that is active at that moment (generated requests change passwords, demote and
deactivate users, which ends their tokens), so that every route's body is reached.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.formats import email_values

from api import create_app
from api.tokens import issue_token
from core.initialization import initialize_database
from core.settings import Settings

MAX_EXAMPLES = 30
MAX_STEPS = 8
SECRET_KEY = "s" * 40
SLOW_OK = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture]
# A schema-valid POST /auth/password or PATCH /users/me carries a generated current password, which is never the
# admin's: its 422 wrong_password (or current_password_required) is the right answer, not valid data refused.
EXPECTED_REFUSALS = {"POST /auth/password": [positive_data_acceptance],
                     "PATCH /users/me": [positive_data_acceptance]}


def excluded_checks(case: Any) -> list[Any]:
    return EXPECTED_REFUSALS.get(case.operation.label, [])


def _accepted_by_core(address: str) -> bool:
    from core.emails import EmailNotValidError, validate_email

    try:
        validate_email(address)
    except EmailNotValidError:
        return False
    return True


# The api's format: email is what core.emails accepts (email-validator's rules), narrower than the RFC 5321 syntax
# schemathesis generates: special-use domains such as .test are refused, as email-validator does. Valid data means
# an address the api takes, so the generator keeps to those.
schemathesis.openapi.format("email", email_values().filter(_accepted_by_core))


def copy_database(source: Path, target: Path) -> None:
    """``target`` becomes a copy of ``source``, through SQLite's backup API: safe while the app holds ``target``
    open, and its connection reads the new content on its next statement."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as destination:
        origin.backup(destination)


@pytest.fixture
def database_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = tmp_path_factory.mktemp("schemathesis") / "api.sqlite3"
    return path


@pytest.fixture
def api_schema(database_file: Path) -> Iterator[Any]:
    path = database_file
    app_settings = Settings.from_env({
        "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": SECRET_KEY, "ADMIN_EMAIL": "admin@example.com",
        "SUPER_ADMIN_PASSWORD": "correct horse battery", "INIT_SECRET": "i" * 40, "PASSWORD_ROUNDS": "1000"})
    app = create_app(app_settings)
    context = app.state.leancore

    async def init() -> None:
        assert (await initialize_database(await context.database(), app_settings, hasher=context.hasher.hash)).ok

    asyncio.run(init())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)

    # refresh_interval=None: a token per call, never a cached one the previous call may have ended
    @schema.auth(refresh_interval=None)
    class ActiveSuperAdmin:
        """A token for the first active super admin, issued as a login would; the last-admin rule keeps one."""

        def get(self, case: Any, ctx: Any) -> str:
            with closing(sqlite3.connect(path)) as db:
                user_id, hashed, version = db.execute(
                    "SELECT id, hashed_password, token_version FROM users WHERE is_superuser = 1 AND is_active = 1 "
                    "ORDER BY id LIMIT 1").fetchone()
            return issue_token(context, {"id": user_id, "hashed_password": hashed, "token_version": version})[0]

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    yield schema
    asyncio.run(context.close())


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=SLOW_OK)
def test_every_check_holds_for_every_operation(case: Any) -> None:
    """Every generated request passes every schemathesis check: no 5xx, responses (status, headers, body, content
    type) as documented, invalid data refused, valid data accepted, 405 with a full Allow, auth enforced."""
    case.call_and_validate(excluded_checks=excluded_checks(case))


def test_every_check_holds_along_linked_operations(api_schema: Any, database_file: Path) -> None:
    """Chains of linked calls (create, then read, change or delete what was created) pass every check, the
    stateful ones included: a deleted user is gone, a created one can be read back."""
    initialised = database_file.with_suffix(".initialised")
    copy_database(database_file, initialised)

    class Scenario(api_schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each scenario starts from the initialised database: what a scenario draws next depends on the ids
            # its calls returned, so Hypothesis must see the same answers when it replays a scenario.
            copy_database(initialised, database_file)

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, additional_checks=additional_checks, excluded_checks=excluded_checks(case),
                                   transport_kwargs=kwargs or None, recorder=getattr(self, "recorder", None))

    Scenario.run(settings=settings(max_examples=MAX_EXAMPLES, stateful_step_count=MAX_STEPS, deadline=None,
                                   suppress_health_check=list(HealthCheck)))

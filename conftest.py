"""Shared test configuration for tests/, compat_tests/ and bench/: hypothesis profiles, and the PostgreSQL
fixtures that tests/db and tests/api both use.

PostgreSQL: a fresh database per test session (random name, dropped afterwards) on ``LEANCORE_TEST_POSTGRES_URL``
(default ``postgresql://postgres@127.0.0.1:5432/postgres``, the maintenance database used only to create and drop
the test database), and a new schema per test. With ``CI=true`` a missing psycopg or an unreachable server FAILS
the run; elsewhere those tests skip with the reason.

``ci`` (selected when CI=true) runs more examples and no deadline (shared 2-core machines stall at random);
``dev`` keeps the local loop fast. Tests that need a minimum number of examples set it themselves.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # bench/ runs without hypothesis
    settings = None

MUTATION_EXAMPLES = 20

if settings is not None:
    settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("dev", max_examples=100, deadline=None)
    # the mutation run (bench/_mutation.py): every mutant must meet the same examples, so a kill is reproducible
    # (derandomized, no example database carried from one mutant to the next); few, because a surviving mutant
    # runs every test that reaches it
    settings.register_profile("mutation", max_examples=MUTATION_EXAMPLES, deadline=None, derandomize=True,
                              database=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))


@pytest.fixture(autouse=True)
def _cold_core_caches() -> None:
    """Under the mutation profile every test starts with core's memo caches empty: mutmut forks each mutant from a
    process that has run the whole suite, and a cache filled there (a JWT key's preparation, an email domain, a code
    point's class) would answer for the mutated function without ever calling it."""
    if settings is None or settings.get_current_profile_name() != "mutation" or "core._cache" not in sys.modules:
        return
    cache_type = sys.modules["core._cache"].BoundedCache
    for name, module in list(sys.modules.items()):
        if name.startswith("core.") and module is not None:
            for value in list(vars(module).values()):
                slots = [getattr(value, s, None) for s in getattr(type(value), "__slots__", ())]
                for candidate in (value, *getattr(value, "__dict__", {}).values(), *slots):
                    if isinstance(candidate, cache_type):
                        candidate.clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under the mutation profile, tests that ask for more examples than it gives get its count: a test's own
    ``max_examples`` (2,000 for the JWT differential, 3,000 for Punycode) would otherwise run once per surviving
    mutant. Fewer examples can only kill fewer mutants, so the score this measures is a lower bound."""
    if settings is None or settings.get_current_profile_name() != "mutation":
        return
    for item in items:
        test = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))  # a method: its function
        own = getattr(test, "_hypothesis_internal_use_settings", None)  # the settings @settings(...) gave the test
        if own is not None and own.max_examples > MUTATION_EXAMPLES:
            test._hypothesis_internal_use_settings = settings(own, max_examples=MUTATION_EXAMPLES)  # type: ignore


ADMIN_URL = os.environ.get("LEANCORE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required when CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def _with_database(url: str, name: str, query: str = "") -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}", query=query))


def _psycopg() -> Any:
    try:
        import psycopg  # optional here: its absence is reported, not an import error
    except ImportError:
        _unavailable("psycopg is not installed (tox -e db and tox -e api install it)")
    return psycopg


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A freshly created, uniquely named database, dropped (with any leftover sessions) at the end."""
    from core.db import redact_url  # here, not at module level: this conftest also serves envs that never use it

    psycopg = _psycopg()
    name = f"leancore_test_{secrets.token_hex(6)}"
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        _unavailable(f"PostgreSQL at {redact_url(ADMIN_URL)} is unreachable: {str(exc).strip()}")
    try:
        yield _with_database(ADMIN_URL, name)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_database_url: str) -> Iterator[str]:
    """A URL whose sessions work in a new, empty schema (search_path), so each test starts from nothing."""
    psycopg = _psycopg()
    schema = f"t_{secrets.token_hex(5)}"
    with psycopg.connect(pg_database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_database(pg_database_url, urlsplit(pg_database_url).path[1:],
                             "options=" + quote(f"-csearch_path={schema}"))
    finally:
        with psycopg.connect(pg_database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

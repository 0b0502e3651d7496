"""PostgreSQL fixtures: a fresh database per test session (random name, dropped afterwards), a schema per test.

The server is ``LEANCORE_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``, the
maintenance database used only to create and drop the test database). With ``CI=true`` a missing psycopg or an
unreachable server FAILS the run; elsewhere those tests skip with the reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from core.db import redact_url

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
        _unavailable("psycopg is not installed (run the PostgreSQL tests with `tox -e db`)")
    return psycopg


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A freshly created, uniquely named database, dropped (with any leftover sessions) at the end."""
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

"""core.db D1 adapter against a recording fake binding: only what a fake can honestly pin.

``RecordingD1Binding`` records the calls the adapter makes (``prepare`` / ``bind`` / ``all`` / ``run`` /
``first`` / ``batch``) and answers with canned results in D1's documented shape, wrapped like Pyodide's JS
proxies (an object whose ``to_py()`` gives the Python value). It executes no SQL: whether D1 itself accepts the
statements, and batch atomicity, are proven against a real local D1 (miniflare) by the Pyodide harness.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from core.db import D1Database, DatabaseError, IntegrityError
from core.db._d1 import to_js_args, to_py


class JsProxyLike:
    """Stands in for a Pyodide JsProxy: the value is only reachable through to_py()."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def to_py(self) -> Any:
        return self._value


class Statement:
    def __init__(self, binding: RecordingD1Binding, sql: str) -> None:
        self.binding, self.sql, self.args = binding, sql, ()

    def bind(self, *args: Any) -> Statement:
        self.args = args
        return self

    async def _answer(self, method: str) -> Any:
        self.binding.calls.append((method, self.sql, self.args))
        if self.binding.error is not None:
            raise self.binding.error
        return JsProxyLike(self.binding.answers[method])

    def all(self) -> Any:
        return self._answer("all")

    def run(self) -> Any:
        return self._answer("run")

    def first(self) -> Any:
        return self._answer("first")


class RecordingD1Binding:
    def __init__(self, **answers: Any) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str, tuple[Any, ...]]] = []
        self.batches: list[list[tuple[str, tuple[Any, ...]]]] = []
        self.error: Exception | None = None

    def prepare(self, sql: str) -> Statement:
        return Statement(self, sql)

    async def batch(self, statements: list[Statement]) -> Any:
        self.batches.append([(s.sql, s.args) for s in statements])
        if self.error is not None:
            raise self.error
        return JsProxyLike([{"results": [], "meta": {"changes": 1}} for _ in statements])


def test_fetch_all_binds_qmark_params_untranslated_and_converts_results() -> None:
    """fetch_all sends the SQL as written (D1 speaks ?), binds the params, and unwraps the proxy's results."""
    binding = RecordingD1Binding(all={"results": [{"id": 1, "email": "a@example.com"}], "success": True,
                                      "meta": {"changes": 0}})
    rows = asyncio.run(D1Database(binding).fetch_all("SELECT id, email FROM users WHERE email = ?", ("a@example.com",)))
    assert rows == [{"id": 1, "email": "a@example.com"}]
    assert binding.calls == [("all", "SELECT id, email FROM users WHERE email = ?", ("a@example.com",))]


def test_execute_returns_meta_changes() -> None:
    """execute runs .run() and returns D1's meta.changes as the row count."""
    binding = RecordingD1Binding(run={"results": [], "success": True, "meta": {"changes": 3}})
    assert asyncio.run(D1Database(binding).execute("UPDATE users SET is_active = ?", (False,))) == 3
    assert binding.calls == [("run", "UPDATE users SET is_active = ?", (0,))]


def test_execute_without_meta_reports_unknown() -> None:
    """A run() result without meta.changes gives -1 (unknown), like DB-API's rowcount."""
    assert asyncio.run(D1Database(RecordingD1Binding(run={"results": []})).execute("DELETE FROM t")) == -1


def test_fetch_one_uses_first_and_maps_null_to_none() -> None:
    """fetch_one runs .first(): a row becomes a dict, JS null (None after to_py) becomes None."""
    assert asyncio.run(D1Database(RecordingD1Binding(first={"n": 2})).fetch_one("SELECT 2 AS n")) == {"n": 2}
    assert asyncio.run(D1Database(RecordingD1Binding(first=None)).fetch_one("SELECT 1 WHERE 0")) is None


def test_batch_sends_every_statement_in_one_call() -> None:
    """batch prepares each statement with its params and hands them to binding.batch in one call."""
    binding = RecordingD1Binding()
    asyncio.run(D1Database(binding).batch([("CREATE TABLE t (x)", ()), ("INSERT INTO t VALUES (?)", (True,))]))
    assert binding.batches == [[("CREATE TABLE t (x)", ()), ("INSERT INTO t VALUES (?)", (1,))]]
    assert binding.calls == []


@pytest.mark.parametrize(("message", "error"), [
    ("D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT", IntegrityError),
    ("D1_ERROR: no such table: users: SQLITE_ERROR", DatabaseError),
])
def test_binding_errors_become_port_errors(message: str, error: type[DatabaseError]) -> None:
    """An exception from the binding (a JsException in Pyodide) becomes IntegrityError / DatabaseError."""
    binding = RecordingD1Binding()
    binding.error = RuntimeError(message)
    with pytest.raises(error, match="d1: D1_ERROR") as info:
        asyncio.run(D1Database(binding).execute("INSERT INTO users (email) VALUES (?)", ("a@example.com",)))
    assert isinstance(info.value.__cause__, RuntimeError)
    with pytest.raises(error):
        asyncio.run(D1Database(binding).batch([("SELECT 1", ())]))


def test_bind_arguments_outside_pyodide() -> None:
    """Booleans bind as 0/1 (what sqlite3 stores); other values pass through unchanged outside Pyodide."""
    assert to_js_args([True, False, None, 1, 2.5, "x", b"b"]) == [1, 0, None, 1, 2.5, "x", b"b"]


def test_to_py_converts_proxies_only() -> None:
    """to_py unwraps anything with to_py() and returns plain Python values as they are."""
    assert to_py(JsProxyLike({"a": [1]})) == {"a": [1]}
    plain = {"a": 1}
    assert to_py(plain) is plain

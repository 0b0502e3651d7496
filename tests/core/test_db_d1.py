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

from core.db import D1Database, DatabaseError, DatabaseUnavailableError, IntegrityError
from core.db._d1 import MAX_BINDABLE_INT, D1ValueError, to_js_args, to_js_list, to_py

try:  # inside Pyodide (tox -e pyodide) the real conversions apply
    from pyodide.ffi import JsProxy, jsnull  # type: ignore[import-not-found]
except ImportError:
    JsProxy, jsnull = None, None


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


def test_bind_arguments() -> None:
    """Booleans bind as 0/1 (what sqlite3 stores), None as JS null (jsnull in Pyodide), numbers and text as given."""
    assert to_js_args([True, False, None, 1, 2.5, "x"]) == [1, 0, jsnull, 1, 2.5, "x"]
    assert to_js_args([None])[0] is jsnull


def test_bytes_bind_as_a_byte_array() -> None:
    """bytes (and bytearray/memoryview) bind as a Uint8Array in Pyodide (a BLOB), as bytes outside it."""
    for value in (b"\x00\xff", bytearray(b"\x00\xff"), memoryview(b"\x00\xff")):
        (bound,) = to_js_args([value])
        if JsProxy is None:
            assert bound == b"\x00\xff"
        else:
            assert isinstance(bound, JsProxy)
            assert bytes(bound.to_py()) == b"\x00\xff"


@pytest.mark.parametrize("value", [MAX_BINDABLE_INT, -MAX_BINDABLE_INT, 0, 1_700_000_000])
def test_integers_a_js_number_holds_bind(value: int) -> None:
    """Integers up to 2**53 - 2 in magnitude (epoch seconds and ids included) bind unchanged."""
    assert to_js_args([value]) == [value]


@pytest.mark.parametrize("value", [MAX_BINDABLE_INT + 1, -(MAX_BINDABLE_INT + 1), 2**64, [1], {"a": 1}, (1,), object()])
def test_values_d1_cannot_bind_are_refused_up_front(value: object) -> None:
    """Integers beyond 2**53 - 2 (BigInt: D1_TYPE_ERROR) and containers are refused before D1 sees them."""
    with pytest.raises(D1ValueError, match="parameter 2") as info:
        to_js_args(["ok", value])
    assert isinstance(info.value, ValueError)
    assert info.value.code == "database_value_unsupported"


def test_a_refused_value_raises_from_the_adapter_as_a_database_error() -> None:
    """execute() with an unbindable value raises D1ValueError (a DatabaseError) and sends nothing to D1."""
    binding = RecordingD1Binding(run={"meta": {"changes": 1}})
    with pytest.raises(DatabaseError):
        asyncio.run(D1Database(binding).execute("INSERT INTO t VALUES (?)", (2**60,)))
    assert binding.calls == []


class JsNull:
    """Named like pyodide.ffi's JsNull type: the adapter recognises SQL NULL by that type name outside Pyodide."""


NULL = jsnull if jsnull is not None else JsNull()


def test_sql_null_in_results_becomes_none_at_any_depth() -> None:
    """JS null (jsnull, what D1 returns for SQL NULL) becomes None in rows, nested values and first()."""
    rows = asyncio.run(D1Database(RecordingD1Binding(all={"results": [{"a": NULL, "b": [NULL, 1]}]})).fetch_all("q"))
    assert rows == [{"a": None, "b": [None, 1]}]
    assert asyncio.run(D1Database(RecordingD1Binding(first=NULL)).fetch_one("q")) is None


class SdkDict(dict):  # type: ignore[type-arg]
    """Like the Workers SDK's JsDict: a dict whose attribute access answers with keys (or AttributeError)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def test_results_already_converted_by_the_sdk_wrapper_pass_through() -> None:
    """A result the SDK's env wrapper already converted (a dict, a `to_py` key even) is used as it is."""
    assert to_py(SdkDict(results=[SdkDict(to_py=1)])) == {"results": [{"to_py": 1}]}


def test_batch_list_stays_a_list_unless_every_item_is_a_js_object() -> None:
    """to_js_list gives the SDK's wrappers (non-JsProxy) a Python list; an empty batch is an empty list."""
    items = [object(), object()]
    assert to_js_list(items) is items
    assert to_js_list([]) == []


def test_to_py_converts_proxies_only() -> None:
    """to_py unwraps anything with to_py() and returns plain Python values equal to what they were."""
    assert to_py(JsProxyLike({"a": [1]})) == {"a": [1]}
    assert to_py({"a": 1}) == {"a": 1}
    assert to_py(7) == 7


class SilentD1Binding(RecordingD1Binding):
    """A D1 binding whose batch promise never settles (the service does not answer)."""

    async def batch(self, statements: list[Statement]) -> Any:
        await asyncio.Event().wait()


def test_call_timeout_bounds_a_d1_call_that_never_answers() -> None:
    """With call_timeout, a D1 call with no answer is DatabaseUnavailableError instead of waiting for ever."""

    async def body() -> None:
        db = D1Database(SilentD1Binding(), call_timeout=0.05)
        # the outer guard makes a missing timeout a failure rather than a hung test run
        with pytest.raises(DatabaseUnavailableError, match=r"d1: no answer within 0\.05 s"):
            await asyncio.wait_for(db.batch([("SELECT 1", ())]), 30)

    asyncio.run(body())

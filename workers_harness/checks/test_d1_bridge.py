"""How the raw D1 binding behaves from Python inside Pyodide 314, against a real local D1 (miniflare/workerd).

These pin the conversion facts the D1 adapter in core must handle (summarised in docs/pyodide-harness.md); if a
Pyodide or workerd upgrade changes one, this file says which. Run by run_d1_checks.mjs (not pytest: see
async_checks.py); each ``test_*`` gets the Worker-style ``env`` whose ``DB`` is the D1 binding.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import harness  # registered by run_d1_checks.mjs
from pyodide.ffi import JsException, JsNull, JsProxy, jsnull, to_js

MIGRATIONS_DIR = "workers_harness/checks/data/migrations"
# The DDL wrangler 4.86 runs before applying migrations (src/d1/migrations/helpers.ts, initMigrationsTable).
WRANGLER_MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS d1_migrations(
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT UNIQUE,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)"""


async def d1_error(call: Callable[[], Any]) -> JsException:
    """The JsException D1 raises for ``call()``, whether at call time (``.bind`` type checks) or when awaited."""
    try:
        result = call()
        if inspect.isawaitable(result):
            await result
    except JsException as exc:
        return exc
    raise AssertionError("expected a JsException from D1")


async def test_prepare_bind_run_and_all_round_trip(env: Any) -> None:
    """`.run()` reports changes/last_row_id in `meta`; `.all().to_py()` is a dict whose `results` is a list of dicts."""
    db = env.DB
    await db.prepare("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, score REAL)").run()
    run = await db.prepare("INSERT INTO users (email, score) VALUES (?, ?)").bind("a@example.com", 1.5).run()
    assert isinstance(run, JsProxy)
    meta = run.to_py()["meta"]
    assert (meta["changes"], meta["last_row_id"]) == (1, 1)
    result = (await db.prepare("SELECT id, email, score FROM users").all()).to_py()
    assert result["success"] is True
    assert result["results"] == [{"id": 1, "email": "a@example.com", "score": 1.5}]


async def test_sql_null_comes_back_as_jsnull_not_none(env: Any) -> None:
    """A NULL column is `pyodide.ffi.jsnull` (a JsNull, falsy, not None), even after `.to_py()`: adapters map it."""
    row = (await env.DB.prepare("SELECT NULL AS n").first()).to_py()
    assert row["n"] is jsnull
    assert isinstance(row["n"], JsNull)
    assert row["n"] is not None
    assert not row["n"]


async def test_numbers_come_back_as_js_numbers_do(env: Any) -> None:
    """Integral values become int (even REAL 2.0), others float; integers beyond 2**53 lose precision; inf is null."""
    row = (await env.DB.prepare(
        "SELECT 7 AS i, 2.0 AS whole_real, 1.5 AS r, 9007199254740993 AS huge, 1e308 * 10 AS inf, TRUE AS t"
    ).first()).to_py()
    assert (type(row["i"]), row["i"]) == (int, 7)
    assert (type(row["whole_real"]), row["whole_real"]) == (int, 2)
    assert (type(row["r"]), row["r"]) == (float, 1.5)
    assert (type(row["huge"]), row["huge"]) == (float, 9007199254740992.0)
    assert row["inf"] is jsnull
    assert (type(row["t"]), row["t"]) == (int, 1)


async def test_bound_values_convert_as_pyodide_converts_them(env: Any) -> None:
    """True binds as 1, `jsnull` as NULL, `to_js(bytes)` as a BLOB (read back as ints), str as TEXT, any number REAL."""
    row = (await env.DB.prepare(
        "SELECT ? AS b, ? AS n, ? AS blob, typeof(?) AS blob_type, ? AS s, typeof(?) AS half, typeof(?) AS whole,"
        " typeof(?) AS int_type"
    ).bind(True, jsnull, to_js(b"\x00\xff"), to_js(b"\x00\xff"), "é", 0.5, 2.0, 7).first()).to_py()
    assert row == {"b": 1, "n": jsnull, "blob": [0, 255], "blob_type": "blob", "s": "é", "half": "real",
                   "whole": "real", "int_type": "real"}


async def test_binding_none_is_refused(env: Any) -> None:
    """Python None crosses into JS as `undefined`, which `.bind()` itself refuses (D1_TYPE_ERROR): bind `jsnull`."""
    exc = await d1_error(lambda: env.DB.prepare("SELECT ? AS v").bind(None).all())
    assert exc.message == "D1_TYPE_ERROR: Type 'undefined' not supported for value 'undefined'"


async def test_binding_an_int_from_2_pow_53_minus_1_up_is_refused(env: Any) -> None:
    """Python ints with abs >= 2**53 - 1 cross as BigInt, which `.bind()` refuses; 2**53 - 2 binds as a number."""
    row = (await env.DB.prepare("SELECT ? AS v").bind(2**53 - 2).first()).to_py()
    assert row["v"] == 2**53 - 2
    for value in (2**53 - 1, -(2**53 - 1), 2**63 - 1):
        exc = await d1_error(lambda value=value: env.DB.prepare("SELECT ? AS v").bind(value).all())
        assert exc.message == f"D1_TYPE_ERROR: Type 'bigint' not supported for value '{value}'"


async def test_first_returns_a_row_proxy_a_column_or_jsnull(env: Any) -> None:
    """`.first()` is a JsProxy row (attribute access works), `.first(col)` the value; no row gives jsnull, not None."""
    db = env.DB
    await db.prepare("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)").run()
    await db.prepare("INSERT INTO kv VALUES (?, ?)").bind("a", "1").run()
    row = await db.prepare("SELECT k, v FROM kv WHERE k = ?").bind("a").first()
    assert isinstance(row, JsProxy)
    assert (row.k, row.v) == ("a", "1")
    assert await db.prepare("SELECT v FROM kv WHERE k = ?").bind("a").first("v") == "1"
    assert await db.prepare("SELECT k FROM kv WHERE k = ?").bind("missing").first() is jsnull
    assert await db.prepare("SELECT k FROM kv WHERE k = ?").bind("missing").first("k") is jsnull
    assert (await db.prepare("SELECT k, v FROM kv").raw()).to_py() == [["a", "1"]]


async def test_batch_takes_a_js_array_and_runs_as_one_transaction(env: Any) -> None:
    """`batch(to_js([...]))` returns one result per statement; a failing statement rolls back the whole batch."""
    db = env.DB
    await db.prepare("CREATE TABLE items (name TEXT NOT NULL)").run()
    results = (await db.batch(to_js([
        db.prepare("INSERT INTO items VALUES (?)").bind("x"),
        db.prepare("SELECT count(*) AS c FROM items"),
    ]))).to_py()
    assert [r["results"] for r in results] == [[], [{"c": 1}]]
    exc = await d1_error(lambda: db.batch(to_js([
        db.prepare("INSERT INTO items VALUES (?)").bind("y"),
        db.prepare("INSERT INTO no_such_table VALUES (1)"),
    ])))
    assert exc.message == "D1_ERROR: no such table: no_such_table: SQLITE_ERROR"
    assert await db.prepare("SELECT count(*) AS c FROM items").first("c") == 1


async def test_sql_errors_raise_jsexception_with_d1_error_messages(env: Any) -> None:
    """Bad SQL, constraint violations and wrong arity raise JsException (name 'Error'), the message says which."""
    db = env.DB
    await db.prepare("CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE)").run()
    await db.prepare("INSERT INTO u (email) VALUES (?)").bind("a@example.com").run()
    syntax = await d1_error(lambda: db.prepare("SELEC 1").all())
    assert (syntax.name, syntax.message) == ("Error", 'D1_ERROR: near "SELEC": syntax error at offset 0: SQLITE_ERROR')
    unique = await d1_error(lambda: db.prepare("INSERT INTO u (email) VALUES (?)").bind("a@example.com").run())
    assert unique.message == (
        "D1_ERROR: UNIQUE constraint failed: u.email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)"
    )
    arity = await d1_error(lambda: db.prepare("SELECT ?").bind(1, 2).all())
    assert arity.message == "D1_ERROR: Wrong number of parameter bindings for SQL query."


async def test_wrangler_view_of_d1_migrations_follows_the_table(env: Any) -> None:
    """A migration recorded in d1_migrations the way wrangler records it is listed applied; the rest unapplied."""
    db = env.DB
    assert (await harness.list_applied_migrations(db)).to_py() == []
    await db.prepare(WRANGLER_MIGRATIONS_TABLE).run()
    await db.batch(to_js([
        db.prepare("CREATE TABLE first_table (id INTEGER PRIMARY KEY, label TEXT NOT NULL)"),
        db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind("0001_first.sql"),
    ]))
    applied = (await harness.list_applied_migrations(db)).to_py()
    assert [(m["id"], m["name"]) for m in applied] == [(1, "0001_first.sql")]
    assert isinstance(applied[0]["applied_at"], str)
    assert (await harness.list_unapplied_migrations(db, MIGRATIONS_DIR)).to_py() == ["0002_second.sql"]

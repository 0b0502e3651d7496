"""The D1 adapter: a Cloudflare Workers D1 binding (``env.DB``) behind the async port.

The binding's API: ``binding.prepare(sql).bind(*args)`` gives a statement with ``.all()`` / ``.run()`` /
``.first()`` (each a promise), and ``binding.batch([statement, ...])`` runs statements as one transaction — the
port's ``batch``. D1 speaks SQLite's SQL and ``?`` placeholders, so no translation is needed.

Inside Pyodide every result is a JS proxy; all conversion between Python and JS lives in :func:`to_py` and
:func:`to_js_args` / :func:`to_js_list` below (``pyodide.ffi`` is imported lazily, only when present). Outside
Pyodide (a fake binding in tests) values pass through unchanged. The real binding is exercised against a local D1
(miniflare) by the Pyodide harness; tests/core/test_db_d1.py only checks what a fake can honestly check.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from core.db._errors import DatabaseError, IntegrityError
from core.db._port import Dialect, Params, Row, Statement


def to_py(value: Any) -> Any:
    """A JS proxy converted to Python (objects to dict, arrays to list, null/undefined to None); else as is."""
    convert = getattr(value, "to_py", None)
    return convert() if callable(convert) else value


def _pyodide_ffi() -> Any:
    try:
        import pyodide.ffi  # type: ignore[import-not-found]  # present only inside Pyodide
    except ImportError:
        return None
    return pyodide.ffi


def to_js_args(params: Params) -> list[Any]:
    """Bind arguments D1 accepts: bool as 0/1 (what sqlite3 stores) and, in Pyodide, None as JS ``null``.

    Pyodide turns Python ``None`` into JS ``undefined``, which D1's ``bind`` rejects.
    """
    ffi = _pyodide_ffi()
    null = getattr(ffi, "jsnull", None) if ffi is not None else None
    out: list[Any] = []
    for value in params:
        if isinstance(value, bool):
            out.append(int(value))
        elif value is None:
            out.append(null)
        else:
            out.append(value)
    return out


def to_js_list(items: list[Any]) -> Any:
    """A Python list as a JS Array in Pyodide (``batch`` wants an Array, not a proxy of a list)."""
    ffi = _pyodide_ffi()
    return ffi.to_js(items) if ffi is not None else items


def _translate(exc: Exception) -> DatabaseError:
    """The one place D1's errors (``JsException`` in Pyodide) become the port's."""
    message = f"d1: {exc}"
    if "constraint failed" in str(exc).lower():
        return IntegrityError(message)
    return DatabaseError(message)


def _rows(result: Any) -> list[Row]:
    rows = to_py(result)
    rows = rows.get("results") if isinstance(rows, dict) else None
    return [dict(row) for row in rows or []]


class D1Database:
    """A D1 binding seen through the port. Create it with ``D1Database(env.DB)`` or ``core.db.connect(env.DB)``."""

    def __init__(self, binding: Any) -> None:
        self._binding = binding

    @property
    def dialect(self) -> Dialect:
        return "d1"

    def _statement(self, sql: str, params: Params) -> Any:
        statement = self._binding.prepare(sql)
        return statement.bind(*to_js_args(params)) if params else statement

    async def _call(self, make: Callable[[], Any]) -> Any:
        try:
            value = make()
            if inspect.isawaitable(value):
                value = await value
        except DatabaseError:
            raise
        except Exception as exc:
            raise _translate(exc) from exc
        return to_py(value)

    async def execute(self, sql: str, params: Params = ()) -> int:
        result = await self._call(lambda: self._statement(sql, params).run())
        meta = result.get("meta") if isinstance(result, dict) else None
        changes = meta.get("changes") if isinstance(meta, dict) else None
        return int(changes) if isinstance(changes, (int, float)) else -1

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        row = await self._call(lambda: self._statement(sql, params).first())
        return None if row is None else dict(row)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return _rows(await self._call(lambda: self._statement(sql, params).all()))

    async def batch(self, statements: Sequence[Statement]) -> None:
        if statements:
            await self._call(lambda: self._binding.batch(to_js_list([self._statement(s, p) for s, p in statements])))

    async def close(self) -> None:
        """Nothing to release: the Workers runtime owns the binding."""

"""The D1 adapter: a Cloudflare Workers D1 binding (``env.DB``) behind the async port.

The binding's API: ``binding.prepare(sql).bind(*args)`` gives a statement with ``.all()`` / ``.run()`` /
``.first()`` (each a promise), and ``binding.batch([statement, ...])`` runs statements as one transaction — the
port's ``batch``. D1 speaks SQLite's SQL and ``?`` placeholders, so no translation is needed.

The binding arrives in one of two forms, and both work: the raw JS object (a ``JsProxy``: results need
``.to_py()``, SQL NULL comes back as ``pyodide.ffi.jsnull``, ``batch`` wants a JS Array), or the Workers SDK's
``env`` wrapper around it (``workers.WorkerEntrypoint`` hands ``self.env.DB`` wrapped: it converts arguments and
results itself, NULL to ``None``, lists to Arrays). Every conversion lives in :func:`to_py`, :func:`to_js_args` and
:func:`to_js_list` below (``pyodide.ffi`` is imported lazily, only when present). The conversion facts are pinned
against a real local D1 (miniflare) by workers_harness/checks/ and listed in docs/pyodide-harness.md.

``call_timeout`` bounds how long a call waits for D1's answer (``DatabaseUnavailableError`` past it); D1 bounds
each query on its side itself, so there is no statement timeout to set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from core.db._errors import DatabaseError, DatabaseUnavailableError, DatabaseValueError, IntegrityError
from core.db._port import Dialect, Params, Row, Statement

# D1 binds every number as a JS number (a double): Pyodide turns ints with abs(v) >= 2**53 - 1 into a BigInt,
# which D1's bind() refuses (D1_TYPE_ERROR), and a double cannot hold them exactly anyway. Measured bound:
# 2**53 - 2 still binds (docs/pyodide-harness.md).
MAX_BINDABLE_INT = 2**53 - 2


class D1ValueError(DatabaseValueError):
    """A value D1 cannot bind (an integer beyond 2**53 - 2, a container): refused before reaching D1."""


def _pyodide_ffi() -> Any:
    try:
        import pyodide.ffi
    except ImportError:
        return None
    return pyodide.ffi


def _null(value: Any) -> Any:
    """``jsnull`` and ``None`` as ``None``, dicts and lists converted deeply (a SQL NULL anywhere in a result)."""
    if value is None or type(value).__name__ == "JsNull":
        return None
    if isinstance(value, dict):
        return {key: _null(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_null(item) for item in value]
    return value


def to_py(value: Any) -> Any:
    """A D1 result as plain Python: JS proxies converted (``to_py()``), JS null (``jsnull``) as ``None``."""
    convert = getattr(value, "to_py", None)
    if callable(convert) and not isinstance(value, dict):  # the SDK's JsDict answers any attribute
        value = convert()
    return _null(value)


def to_js_args(params: Params) -> list[Any]:
    """Bind arguments D1 accepts: bool as 0/1, None as JS ``null``, bytes as a ``Uint8Array`` (a BLOB).

    Pyodide turns Python ``None`` into JS ``undefined`` and ``bytes`` into a proxy, which D1's ``bind`` rejects;
    integers it cannot hold as a double are refused here with :class:`D1ValueError` rather than by D1.
    """
    ffi = _pyodide_ffi()
    out: list[Any] = []
    for position, value in enumerate(params, 1):
        if isinstance(value, bool):
            out.append(int(value))
        elif value is None:
            out.append(ffi.jsnull if ffi is not None else None)
        elif isinstance(value, int):
            if abs(value) > MAX_BINDABLE_INT:
                raise D1ValueError(f"d1: parameter {position}: integer {value} is beyond 2**53 - 2 (JS numbers)")
            out.append(value)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            out.append(ffi.to_js(bytes(value)) if ffi is not None else bytes(value))
        elif isinstance(value, (str, float)) or (ffi is not None and isinstance(value, ffi.JsProxy)):
            out.append(value)
        else:
            raise D1ValueError(f"d1: parameter {position}: cannot bind a {type(value).__name__}")
    return out


def to_js_list(items: list[Any]) -> Any:
    """The statements for ``batch``: a JS Array of raw statements; a Python list of the SDK's wrapped ones.

    A raw binding wants an Array (a Python list arrives as a proxy D1 cannot read); the SDK's wrapper converts
    its own arguments (and would turn an Array of its wrappers into proxies), so it gets the list.
    """
    ffi = _pyodide_ffi()
    if ffi is None or not items or not all(isinstance(item, ffi.JsProxy) for item in items):
        return items
    return ffi.to_js(items)


def _translate(exc: Exception) -> DatabaseError:
    """The one place D1's errors (``JsException`` in Pyodide) become the port's."""
    message = f"d1: {exc}"
    if "constraint failed" in str(exc).lower():
        return IntegrityError(message)
    return DatabaseError(message)


def _rows(result: Any) -> list[Row]:
    rows = result.get("results") if isinstance(result, dict) else None
    return [dict(row) for row in rows or []]


class D1Database:
    """A D1 binding seen through the port. Create it with ``D1Database(env.DB)`` or ``core.db.connect(env.DB)``."""

    def __init__(self, binding: Any, *, call_timeout: float | None = None) -> None:
        self._binding = binding
        self._call_timeout = call_timeout

    @property
    def dialect(self) -> Dialect:
        return "d1"

    def _statement(self, sql: str, params: Params) -> Any:
        statement = self._binding.prepare(sql)
        return statement.bind(*to_js_args(params)) if params else statement

    async def _call(self, make: Callable[[], Any]) -> Any:
        import inspect  # imported on use: inspect is a costly import
        try:
            value = make()
            if inspect.isawaitable(value):
                value = await (value if self._call_timeout is None else self._bounded(value))
        except DatabaseError:
            raise
        except Exception as exc:
            raise _translate(exc) from exc
        return to_py(value)

    async def _bounded(self, awaitable: Any) -> Any:
        import asyncio  # imported on use, like inspect above

        try:
            # A JS promise's future cancels at once (nothing to wait for), so wait_for returns on time.
            return await asyncio.wait_for(awaitable, self._call_timeout)
        except asyncio.TimeoutError:
            raise DatabaseUnavailableError(f"d1: no answer within {self._call_timeout:g} s") from None

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

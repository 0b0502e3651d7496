"""What workerd's Python glue does before user code runs, done by hand (the emulation named in lib/worker.mjs).

``call_fetch`` constructs the entrypoint as workerd does (``Default(ctx, env)``: the SDK wraps ``env`` itself) and
hands ``fetch`` a ``workers.Request`` around a JS ``Request``; the JS ``Response`` comes back as (status, body),
``call_fetch_with_headers`` as (status, headers, body). ``settled`` waits for what the Worker handed to
``waitUntil`` (workerd keeps the isolate running for it after the answer has gone).
"""

from __future__ import annotations

import json
from typing import Any

import _harness_wait_until  # registered by lib/worker.mjs
import js
from pyodide.ffi import to_js
from workers import Request

CTX = None  # no ExecutionContext outside workerd (patchWaitUntil is a no-op in the emulation)
HOST = "leancore.example"


async def call_fetch(env: Any, method: str, path: str, *, headers: dict[str, str] | None = None,
                     body: str | None = None) -> tuple[int, Any]:
    status, _, parsed = await call_fetch_with_headers(env, method, path, headers=headers, body=body)
    return status, parsed


async def call_fetch_with_headers(env: Any, method: str, path: str, *, headers: dict[str, str] | None = None,
                                  body: str | None = None) -> tuple[int, dict[str, str], Any]:
    import worker  # imported on first use, as workerd imports the main module once per isolate

    # workerd hands the Worker the client's request headers, Host among them; a Request built in Node has none, and
    # without it Starlette's request.base_url (the reset links' base) would be a bare path.
    init: dict[str, Any] = {"method": method, "headers": {"Host": HOST, **(headers or {})}}
    if body is not None:
        init["body"] = body
    request = js.Request.new(f"https://{HOST}{path}", to_js(init, dict_converter=js.Object.fromEntries))
    response = await worker.Default(CTX, env).fetch(Request(request))
    response = getattr(response, "js_object", response)
    text = await response.text()
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        parsed = text
    return response.status, dict(response.headers.entries()), parsed


async def settled() -> None:
    """Return once every promise the Worker gave ``waitUntil`` has settled."""
    await _harness_wait_until.settled()


async def call_scheduled(env: Any) -> None:
    import worker

    await worker.Default(CTX, env).scheduled(None, env, CTX)

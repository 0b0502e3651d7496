"""What workerd's Python glue does before user code runs, done by hand (the emulation named in lib/worker.mjs).

``call_fetch`` constructs the entrypoint as workerd does (``Default(ctx, env)``: the SDK wraps ``env`` itself) and
hands ``fetch`` a ``workers.Request`` around a JS ``Request``; the JS ``Response`` comes back as (status, body).
"""

from __future__ import annotations

import json
from typing import Any

import js
from pyodide.ffi import to_js
from workers import Request

CTX = None  # no ExecutionContext outside workerd (patchWaitUntil is a no-op in the emulation)


async def call_fetch(env: Any, method: str, path: str, *, headers: dict[str, str] | None = None,
                     body: str | None = None) -> tuple[int, Any]:
    import worker  # imported on first use, as workerd imports the main module once per isolate

    init: dict[str, Any] = {"method": method, "headers": headers or {}}
    if body is not None:
        init["body"] = body
    request = js.Request.new(f"https://leancore.example{path}", to_js(init, dict_converter=js.Object.fromEntries))
    response = await worker.Default(CTX, env).fetch(Request(request))
    response = getattr(response, "js_object", response)
    text = await response.text()
    try:
        return response.status, json.loads(text)
    except ValueError:
        return response.status, text


async def call_scheduled(env: Any) -> None:
    import worker

    await worker.Default(CTX, env).scheduled(None, env, CTX)

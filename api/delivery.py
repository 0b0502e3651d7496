"""How a password-reset link reaches its user: a webhook, or in development a security-log line.

``PASSWORD_RESET_WEBHOOK_URL`` set: a JSON POST ``{"email", "link", "expires_in"}`` to it (httpx on a server,
the runtime's ``fetch`` on Workers), for whatever sends the mail. Unset: in development the link goes to the
security log (event ``password_reset_link``), the one place a log line carries a token; in production
``POST /auth/password-reset`` answers 501 instead of pretending (api/routers/password_reset.py). Delivery runs
after the response is sent, so its time and outcome never show in the answer; a failure is logged
(``password_reset_delivery_failed``), never the link. The webhook gets ``WEBHOOK_TIMEOUT_SECONDS`` to answer.

"After the response" differs by runtime (:func:`send_reset_link`). On a server it is a Starlette background task,
run once the body is sent. On Workers a background task would hold the answer back: the SDK's ``asgi.fetch``
returns the ``Response`` only when the app's coroutine has returned, and Starlette runs background tasks inside
it, so a 202 for a known address waited for the webhook (and for ever, had it stalled). There the delivery is a
task handed to the runtime's ``waitUntil``, which keeps the isolate running after the answer, as the SDK's
``asgi.fetch`` does for a streamed body (pinned by workers_harness/worker_checks/test_worker_accounts.py).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from api.context import ON_PYODIDE

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from fastapi import BackgroundTasks

    from api.context import AppContext

WEBHOOK_TIMEOUT_SECONDS = 10.0


def configured(context: AppContext) -> bool:
    """Whether reset links can reach anyone here: a webhook, or the development log."""
    settings = context.settings
    return settings.password_reset_webhook_url is not None or not settings.is_production


async def _post_json(url: str, payload: dict[str, Any]) -> int:
    body = json.dumps(payload, ensure_ascii=False)
    if ON_PYODIDE:
        import js  # the Workers runtime's globals
        from pyodide.ffi import to_js

        options = to_js({"method": "POST", "headers": {"content-type": "application/json"}, "body": body,
                         "signal": js.AbortSignal.timeout(int(WEBHOOK_TIMEOUT_SECONDS * 1000))},
                        dict_converter=js.Object.fromEntries)
        response = await js.fetch(url, options)
        return int(response.status)
    import httpx

    async with httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False) as client:
        response = await client.post(url, content=body, headers={"content-type": "application/json"})
        return response.status_code


async def deliver_reset_link(context: AppContext, user_id: int, email: str, link: str, expires_in: int) -> None:
    """Hand the link on (see the module docstring); never raises."""
    url = context.settings.password_reset_webhook_url
    if url is None:
        context.events.emit("password_reset_link", user_id=user_id, email=email, link=link, expires_in=expires_in)
        return
    try:
        status = await _post_json(url, {"email": email, "link": link, "expires_in": expires_in})
    except Exception as exc:  # the user asked for a link; whatever broke, it is logged, not raised after the answer
        context.events.emit("password_reset_delivery_failed", user_id=user_id, error=type(exc).__name__)
        return
    if not 200 <= status < 300:
        context.events.emit("password_reset_delivery_failed", user_id=user_id, status=status)
        return
    context.events.emit("password_reset_delivered", user_id=user_id, via="webhook")


def send_reset_link(background: BackgroundTasks, context: AppContext, user_id: int, email: str, link: str,
                    expires_in: int) -> None:
    """Deliver the link once the answer has gone: a background task on a server, ``waitUntil`` on Workers."""
    if ON_PYODIDE:
        _after_the_answer(deliver_reset_link(context, user_id, email, link, expires_in))
    else:
        background.add_task(deliver_reset_link, context, user_id, email, link, expires_in)


def _after_the_answer(coroutine: Coroutine[Any, Any, None]) -> None:
    import asyncio

    from pyodide.ffi import create_proxy
    from workers import wait_until  # the Workers SDK, whose asgi.fetch worker.py serves through

    task = asyncio.ensure_future(coroutine)
    # The task crosses into JS as a thenable proxy, released once it settles (as the SDK does with its own tasks).
    proxy = create_proxy(task)
    task.add_done_callback(lambda _: proxy.destroy())
    wait_until(proxy)

"""Pure ASGI middleware (cheaper per request than ``BaseHTTPMiddleware``): the request body size cap.

Bodies over ``max_bytes`` get 413 ``{"code": "payload_too_large"}``: at once when ``Content-Length`` says so, and
while streaming otherwise (chunked bodies carry no length), before the route reads more than the cap.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Every body this api accepts is a small JSON document or login form; 64 KiB leaves ample room.
DEFAULT_MAX_BODY_BYTES = 64 * 1024


class BodyTooLarge(HTTPException):
    """Raised inside ``receive`` when a streamed body passes the cap; an HTTPException so FastAPI's body reader
    lets it through (it turns other exceptions into 400) and the app's handler renders it."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request bodies are limited to {max_bytes} bytes", {"Connection": "close"})
        self.code = "payload_too_large"


def _response(max_bytes: int) -> tuple[dict[str, Any], bytes]:
    body = json.dumps({"code": "payload_too_large",
                       "message": f"request bodies are limited to {max_bytes} bytes"}).encode()
    start = {"type": "http.response.start", "status": 413,
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                         (b"connection", b"close")]}
    return start, body


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: Send) -> None:
        start, body = _response(self.max_bytes)
        await send(start)
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.max_bytes:
                    await self._reject(send)
                    return
                declared = True
            elif name == b"transfer-encoding":
                chunked = True
        if not declared and not chunked and scope["method"] in ("GET", "HEAD"):
            # No body framing on a read (the hot path): nothing to count, so no wrapping. Other methods are
            # wrapped regardless, in case a server hands over a body without either header.
            await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._reject(send)

"""Pure ASGI middleware (cheaper per request than ``BaseHTTPMiddleware``): the request body size cap, and strict
JSON bodies.

Bodies over ``max_bytes`` get 413 ``{"code": "payload_too_large"}``: at once when ``Content-Length`` says so, and
while streaming otherwise (chunked bodies carry no length), before the route reads more than the cap.

A JSON body (``application/json`` or ``application/*+json``) must be an I-JSON message (RFC 7493) before any route
sees it, otherwise 422 ``validation_error`` in the shape of every other bad body: UTF-8 (RFC 8259 §8.1; FastAPI
answers a bare 400), no ``NaN`` / ``Infinity`` and no number beyond a double such as ``1e999`` (RFC 7493 §2.2;
``json.loads`` accepts them, and they were stored as ``null``), and no string holding a lone surrogate escape like
``"\\ud800"`` (RFC 7493 §2.1; such a string cannot be encoded as UTF-8, so no database could store it). Checked here
once, so that no route, field type or database adapter has to.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body

# Every body this api accepts is a small JSON document or login form; 64 KiB leaves ample room.
DEFAULT_MAX_BODY_BYTES = 64 * 1024
_TOO_LARGE_CODE = "payload_too_large"


def _too_large(max_bytes: int) -> str:
    """The 413 message, the same whether the length was declared or counted while streaming."""
    return f"request bodies are limited to {max_bytes} bytes"


class BodyTooLarge(HTTPException):
    """Raised inside ``receive`` when a streamed body passes the cap; an HTTPException so FastAPI's body reader
    lets it through (it turns other exceptions into 400) and the app's handler renders it."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, _too_large(max_bytes), {"Connection": "close"})
        self.code = _TOO_LARGE_CODE


def _response(max_bytes: int) -> tuple[dict[str, Any], bytes]:
    body = json.dumps(error_body(_TOO_LARGE_CODE, _too_large(max_bytes))).encode()
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


class _NotIJson(ValueError):
    """A JSON body that parses but is not I-JSON; ``loc`` is where in the body (``["body", "key", 0]``)."""

    def __init__(self, message: str, loc: list[str | int]) -> None:
        super().__init__(message)
        self.loc = loc


def _finite(text: str) -> float:  # what json.loads does with a number that has a fraction or an exponent
    value = float(text)
    if not math.isfinite(value):  # "1e999" parses to inf
        raise _NotIJson("a number is beyond a double's range (RFC 7493 §2.2)", ["body"])
    return value


def _no_constant(name: str) -> Any:
    raise _NotIJson(f"{name} is not a JSON number (RFC 8259 §6)", ["body"])


def _check_text(value: Any, loc: list[str | int]) -> None:
    """Raise ``_NotIJson`` at the first string (key or value) in ``value`` that is not Unicode text."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _NotIJson("a string holds a lone surrogate, which is not Unicode text (RFC 7493 §2.1)",
                            loc) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, loc)
            _check_text(item, [*loc, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, [*loc, index])


def json_body_error(body: bytes) -> dict[str, Any] | None:
    """The 422 error body for a JSON request body that is not I-JSON (RFC 7493), or None when it is.

    Only syntax and text are judged here; the shape is the route's business (an empty body too: FastAPI then
    reports the missing body).
    """
    if not body:
        return None
    try:
        text = body.decode("utf-8")
        parsed = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
        if "\\u" in text:  # a surrogate can only arrive as an escape: strict UTF-8 decoding refuses raw ones
            _check_text(parsed, ["body"])
    except UnicodeDecodeError as exc:
        error = {"type": "json_invalid", "loc": ["body", exc.start],
                 "msg": "the body is not valid UTF-8 (RFC 8259 §8.1)"}
    except json.JSONDecodeError as exc:
        error = {"type": "json_invalid", "loc": ["body", exc.pos], "msg": f"JSON decode error: {exc.msg}"}
    except _NotIJson as exc:
        error = {"type": "json_invalid", "loc": exc.loc, "msg": str(exc)}
    except (ValueError, RecursionError):  # an integer of more than 4300 digits; nesting deeper than the stack
        error = {"type": "json_invalid", "loc": ["body"], "msg": "the JSON body is too deeply nested or too large"}
    else:
        return None
    where = ".".join(str(part) for part in error["loc"])
    return error_body("validation_error", f"{where}: {error['msg']}", [error])


def _is_json(content_type: bytes) -> bool:
    """FastAPI's own rule for parsing a body as JSON: ``application/json`` or ``application/<anything>+json``."""
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (media.startswith(b"application/") and media.endswith(b"+json"))


class StrictJsonBody:
    """Answers 422 for a JSON request body that is not I-JSON (see the module docstring); others pass untouched.

    The body is read whole (the size cap in front of this middleware bounds it) and handed on as one message.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(name == b"content-type" and _is_json(value)
                                              for name, value in scope["headers"]):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        error = json_body_error(body)
        if error is None:
            await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)
            return
        content = json.dumps(error, ensure_ascii=False, separators=(",", ":")).encode()  # as JSONResponse renders
        await send({"type": "http.response.start", "status": 422,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(content)).encode())]})
        await send({"type": "http.response.body", "body": content})


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives ``messages`` first, then whatever the server sends next (a disconnect)."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed

"""Every error response is JSON ``{"code": ..., "message": ...}`` with a stable ``code``.

Sources: :class:`ApiError` raised by routes; Starlette's ``HTTPException`` (404, 405, ...: the code is derived
from the status); request validation (422, ``validation_error`` plus ``errors``: type, loc, msg only, never the
input, which may be a password or undecodable bytes); core errors through their ``.code`` (``IntegrityError`` 409,
``TransactionConflictError`` 409 ``database_conflict`` with ``Retry-After`` (a concurrent transaction won every
retry: the request may simply be sent again), ``DatabaseValueError`` 422, ``DatabaseUnavailableError`` and other
database errors 503, token errors 401 with ``WWW-Authenticate: Bearer``, other input rejections 400).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import _core
from core.errors import LeancoreError

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

BEARER = {"WWW-Authenticate": "Bearer"}
RETRY_SOON = {"Retry-After": "1"}
log = logging.getLogger("leancore.api")


class ApiError(HTTPException):
    """An HTTP error with a stable machine-readable ``code``. A 422 also carries ``errors`` as request validation's
    do (``type``, ``loc``, ``msg``): ``loc`` says which part of the request is at fault (default: the body)."""

    def __init__(self, status_code: int, code: str, message: str, headers: dict[str, str] | None = None, *,
                 loc: list[str] | None = None) -> None:
        super().__init__(status_code=status_code, detail=message, headers=headers)
        self.code = code
        self.errors = [{"type": code, "loc": loc or ["body"], "msg": message}] if status_code == 422 else None


def unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message, BEARER)


def forbidden(message: str = "not allowed") -> ApiError:
    return ApiError(403, "forbidden", message)


def error_body(code: str, message: str, errors: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """The one error body: ``{"code", "message"}``, ``errors`` for a 422, and any ``extra`` members."""
    body: dict[str, Any] = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return body


def _status_code_name(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "http_error"


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this request's path, for ``Allow``.

    Starlette answers 405 from the first route whose path matches, and each method here is its own route, so its
    ``Allow`` named only that route's method; RFC 9110 §15.5.6 wants every method the resource supports.
    """
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.router.routes:
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(request.scope)[0] is not Match.NONE:
            methods.update(route_methods)
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = getattr(exc, "code", None) or _status_code_name(exc.status_code)
    message = exc.detail if isinstance(exc.detail, str) else _status_code_name(exc.status_code).replace("_", " ")
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": allowed_methods(request)}
    return JSONResponse(error_body(code, message, getattr(exc, "errors", None)), status_code=exc.status_code,
                        headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"type": str(e.get("type", "")), "loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    message = f"{'.'.join(first['loc'])}: {first['msg']}" if first["loc"] else str(first["msg"])
    return JSONResponse(error_body("validation_error", message, errors=errors), status_code=422)


def status_for(exc: LeancoreError) -> tuple[int, dict[str, str] | None]:
    """The HTTP status (and headers) for a core error."""
    db = _core.db
    if isinstance(exc, db.IntegrityError):
        return 409, None
    if isinstance(exc, db.TransactionConflictError):
        return 409, RETRY_SOON  # the database is fine; the same request is likely to succeed on its own
    if isinstance(exc, db.DatabaseValueError):  # a value the request carried that the database cannot store
        return 422, None
    if isinstance(exc, (db.DatabaseUnavailableError, db.DatabaseError)):
        return 503, None
    if isinstance(exc, _core.jwt.JWTError):
        return 401, BEARER
    if isinstance(exc, ValueError):
        return 400, None
    return 500, None


async def _core_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LeancoreError)
    status, headers = status_for(exc)
    if status == 503:
        log.warning("database error on %s %s: %s", request.method, request.url.path, exc)
        message = "the database is unavailable"  # the driver's text may name hosts; it goes to the log only
    elif status == 500:
        message = "internal error"
    else:
        message = str(exc)
    return JSONResponse(error_body(exc.code, message), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(LeancoreError, _core_error)

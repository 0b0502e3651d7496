"""A router's routes as plain declarations, added to the app with ``app.add_api_route`` by ``create_app``.

Why not ``APIRouter`` + ``include_router``: FastAPI 0.16x builds a route's state (dependant tree, body and response
fields, pydantic TypeAdapters) once when the route is added to the ``APIRouter`` and again per inclusion (the
effective route context of ``include_router``): twice per route, ~88 ms of the first request inside Pyodide 314 and a
share of the CPython cold start (bench ``api.coldstart``, ``workers.nosnapshot``). A declaration builds nothing;
``install`` builds each route once, directly on the app, with what ``include_router`` would have given it: path =
prefix + path, tags = the router's then the route's, responses = the router's overlaid by the route's.

The modules that declare routes and dependencies (api.deps, api.routers.*) do not use ``from __future__ import
annotations``: FastAPI reads every endpoint's and dependency's annotations when it builds a route, and string
annotations it must ``eval`` one by one (on Python 3.14, Pyodide's, through ``annotationlib`` forward references),
a share of the no-snapshot Worker start (``workers.nosnapshot``). tests/api/test_app.py pins it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from fastapi import FastAPI

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class RouteTable:
    """``@table.get(path, **options)`` records a route; ``table.install(app)`` adds them all, in order."""

    prefix: str
    tags: list[str]
    responses: dict[int | str, dict[str, Any]] = field(default_factory=dict)
    routes: list[tuple[str, str, Callable[..., Any], dict[str, Any]]] = field(default_factory=list)

    def _add(self, method: str, path: str, options: dict[str, Any]) -> Callable[[F], F]:
        def record(endpoint: F) -> F:
            self.routes.append((method, path, endpoint, options))
            return endpoint

        return record

    def get(self, path: str, **options: Any) -> Callable[[F], F]:
        return self._add("GET", path, options)

    def post(self, path: str, **options: Any) -> Callable[[F], F]:
        return self._add("POST", path, options)

    def patch(self, path: str, **options: Any) -> Callable[[F], F]:
        return self._add("PATCH", path, options)

    def delete(self, path: str, **options: Any) -> Callable[[F], F]:
        return self._add("DELETE", path, options)

    def install(self, app: FastAPI) -> None:
        for method, path, endpoint, options in self.routes:
            extra = dict(options)
            tags = [*self.tags, *extra.pop("tags", [])]
            responses = {**self.responses, **extra.pop("responses", {})}
            app.add_api_route(self.prefix + path, endpoint, methods=[method], tags=tags, responses=responses,
                              **extra)

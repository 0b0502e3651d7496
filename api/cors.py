"""CORS for browsers, from ``CORS_ORIGINS`` (unset: no CORS headers at all), through Starlette's CORSMiddleware.

``create_app`` reads no settings (Workers builds the app inside its memory snapshot), so this middleware is always
installed and builds Starlette's on the first request from the settings the app then has; with ``CORS_ORIGINS``
unset it hands every request straight on. A request from an origin not listed passes through untouched too, so it
gets no CORS headers (the browser then refuses it), and a preflight from it gets the api's own 405 JSON instead of
Starlette's plain-text 400.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from api.context import AppContext
    from core.settings import Settings

ALLOWED_METHODS = ("GET", "POST", "PATCH", "DELETE")
ALLOWED_HEADERS = ("Authorization", "Content-Type")
EXPOSED_HEADERS = ("Retry-After",)  # so a browser client can honour 429 and 503
PREFLIGHT_MAX_AGE_SECONDS = 600


class Cors:
    def __init__(self, app: ASGIApp, context: AppContext) -> None:
        self.app = app
        self.context = context
        self._built_for: Settings | None = None
        self._cors: ASGIApp | None = None
        self._origins: frozenset[str] = frozenset()

    def _build(self, settings: Settings) -> None:
        from starlette.middleware.cors import CORSMiddleware

        origins = settings.cors_origins
        self._origins = frozenset(origins)
        self._cors = None if not origins else CORSMiddleware(
            self.app, allow_origins=list(origins), allow_methods=list(ALLOWED_METHODS),
            allow_headers=list(ALLOWED_HEADERS), expose_headers=list(EXPOSED_HEADERS),
            max_age=PREFLIGHT_MAX_AGE_SECONDS)
        self._built_for = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = self.context.settings
        if settings is not self._built_for:
            self._build(settings)
        if self._cors is not None:
            origin = next((value for name, value in scope["headers"] if name == b"origin"), None)
            if origin is not None and ("*" in self._origins or origin.decode("latin-1") in self._origins):
                await self._cors(scope, receive, send)
                return
        await self.app(scope, receive, send)

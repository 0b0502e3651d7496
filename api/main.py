"""The module-level app for ASGI servers: ``uvicorn api.main:app`` (``python -m api`` runs exactly this)."""

from __future__ import annotations

from api import create_app

app = create_app()

"""Who is calling: the one name for a request's client in the security events and the rate-limit keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.context import ON_PYODIDE

if TYPE_CHECKING:
    from fastapi import Request


def client_id(request: Request) -> str:
    """Who is calling: on a server the socket peer, or the address a trusted proxy forwarded (the server rewrites the
    peer only for the proxies ``FORWARDED_ALLOW_IPS`` names: api/__main__.py); on Workers the address Cloudflare
    puts in cf-connecting-ip. At most 64 characters either way (a forwarded value is text, not always an address)."""
    if ON_PYODIDE:
        return request.headers.get("cf-connecting-ip", "unknown")[:64]
    return request.client.host[:64] if request.client else "unknown"

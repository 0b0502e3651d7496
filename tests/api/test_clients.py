"""api.clients: the client a request names, as the security events and rate-limit keys see it."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.requests import Request

from api import clients
from api.clients import client_id


def _request(client: tuple[str, int] | None, headers: dict[str, str] | None = None) -> Request:
    scope: dict[str, Any] = {"type": "http", "method": "GET", "path": "/", "client": client,
                             "headers": [(k.encode(), v.encode()) for k, v in (headers or {}).items()]}
    return Request(scope)


def test_on_a_server_the_client_is_the_peer_cut_to_64_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """The socket peer's host names the client, at most 64 characters of it (a proxy may forward any text)."""
    monkeypatch.setattr(clients, "ON_PYODIDE", False)
    assert client_id(_request(("203.0.113.7", 5000))) == "203.0.113.7"
    assert client_id(_request(("x" * 100, 5000))) == "x" * 64


def test_without_a_peer_the_client_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that gives no peer address (a Unix socket) names the client "unknown"."""
    monkeypatch.setattr(clients, "ON_PYODIDE", False)
    assert client_id(_request(None)) == "unknown"


def test_on_workers_the_client_is_cloudflares_connecting_ip(monkeypatch: pytest.MonkeyPatch) -> None:
    """On Pyodide the cf-connecting-ip header names the client (64 characters at most, "unknown" without it), not
    the peer, which is Cloudflare's."""
    monkeypatch.setattr(clients, "ON_PYODIDE", True)
    assert client_id(_request(("10.0.0.1", 1), {"cf-connecting-ip": "198.51.100.2"})) == "198.51.100.2"
    assert client_id(_request(("10.0.0.1", 1), {"cf-connecting-ip": "y" * 80})) == "y" * 64
    assert client_id(_request(("10.0.0.1", 1))) == "unknown"

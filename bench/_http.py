"""A minimal HTTP/1.1 keep-alive load generator on asyncio streams, for loopback throughput and latency.

Much cheaper per request than an HTTP client library, so the server, not the client, is what is measured (no wrk
on these machines). GET only; responses must carry Content-Length (uvicorn's JSON responses do).
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


def _request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


async def throughput(port: int, path: str, seconds: float, connections: int = 16) -> float:
    """Requests per second over ``connections`` keep-alive connections for ``seconds``; every status must be 200."""
    request = _request(path)
    done = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop:
                assert await _get(reader, writer, request) == 200
                done += 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return done / (time.perf_counter() - start)


async def latencies_until(port: int, path: str, until: asyncio.Future[object]) -> list[float]:
    """Sequential request latencies (ms) on one connection, until ``until`` completes."""
    request = _request(path)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    samples = []
    try:
        while not until.done():
            start = time.perf_counter()
            assert await _get(reader, writer, request) == 200
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        writer.close()
    return samples


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def uvicorn_server(app: str, env: dict[str, str], cwd: Path) -> Iterator[int]:
    """``uvicorn APP`` (one worker, access log off) on a free loopback port; yields the port once it answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
                             "--no-access-log", "--log-level", "warning"], env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/system/health", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"uvicorn {app} did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

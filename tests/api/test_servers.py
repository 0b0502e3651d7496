"""Real server processes: ``python -m api`` driven over HTTP, and two uvicorn processes sharing one throttle."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from core.migrations import load_migrations

ADMIN, PASSWORD, INIT_SECRET = "admin@example.com", "correct horse battery", "i" * 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(argv: list[str], env: dict[str, str], cwd: Path) -> Iterator[str]:
    """Start a server process on a free loopback port; yield its base URL once /system/health answers."""
    port = free_port()
    full_env = {**os.environ, **env}
    if "INIT_ON_STARTUP" not in env:
        full_env.pop("INIT_ON_STARTUP", None)  # python -m api's own default applies (true)
    log = (cwd / f"server-{port}.log").open("wb")
    proc = subprocess.Popen([sys.executable, *argv, "--port", str(port)], env=full_env, cwd=cwd, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/system/health", timeout=1).status_code in (200, 503):
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"server did not start:\n{(cwd / f'server-{port}.log').read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _env(database_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SECRET_KEY": "k" * 40, "ADMIN_EMAIL": ADMIN,
            "SUPER_ADMIN_PASSWORD": PASSWORD, "INIT_SECRET": INIT_SECRET, "PASSWORD_ROUNDS": "1000"}


@pytest.mark.subprocess
def test_python_m_api_serves_login_me_status_and_init(tmp_path: Path) -> None:
    """`python -m api` initialises its SQLite file on startup and serves login -> me -> status -> init over HTTP."""
    env = _env(f"sqlite:///{tmp_path / 'smoke.sqlite3'}")
    with server(["-m", "api"], env, tmp_path) as base, httpx.Client(base_url=base, timeout=10) as http:
        token = http.post("/auth/login", data={"username": ADMIN, "password": PASSWORD}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert http.get("/auth/me", headers=auth).json()["email"] == ADMIN
        status = http.get("/system/status", headers=auth).json()
        assert status["database"]["initialized"] is True
        assert status["security_events"]["initialization_run"] == 1
        report = http.post("/system/initialize-database", headers={"X-Init-Secret": INIT_SECRET}).json()
        assert (report["ok"], report["schema_version"]) == (True, load_migrations("sqlite")[-1].version)
        assert {step["status"] for step in report["steps"]} == {"skipped"}
    assert '"event":"login_succeeded"' in "".join(p.read_text() for p in tmp_path.glob("server-*.log"))


@pytest.mark.subprocess
def test_python_m_api_refuses_to_start_in_production_without_secret_key(tmp_path: Path) -> None:
    """ENVIRONMENT=production without SECRET_KEY: exit code 2 and a message naming SECRET_KEY."""
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run([sys.executable, "-m", "api", "--port", str(free_port())], cwd=tmp_path,
                            env={**env, "ENVIRONMENT": "production"}, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 2
    assert "SECRET_KEY: required in production" in result.stderr


@pytest.mark.subprocess
@pytest.mark.postgres
def test_two_server_processes_share_the_login_throttle(pg_url: str, tmp_path: Path) -> None:
    """Failures alternated across two uvicorn processes on one PostgreSQL database hit ONE limit of 5."""
    env = _env(pg_url)
    uvicorn = ["-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--log-level", "warning"]
    with server(uvicorn, {**env, "INIT_ON_STARTUP": "true"}, tmp_path) as first, \
            server(uvicorn, env, tmp_path) as second:
        form = {"username": ADMIN, "password": "wrong"}
        codes = [httpx.post(f"{(first, second)[i % 2]}/auth/login", data=form, timeout=10).status_code
                 for i in range(8)]
        assert codes == [401] * 5 + [429] * 3
        assert httpx.post(f"{second}/auth/login", data={"username": ADMIN, "password": PASSWORD},
                          timeout=10).status_code == 429  # the right password waits out the window too

"""Real server processes: ``python -m api`` driven over HTTP (its proxy trust, its rate limits, its bounded hashing
queue), and two uvicorn processes sharing one throttle."""

from __future__ import annotations

import asyncio
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

from api.throttle import INIT_GLOBAL_LIMIT, INIT_LIMIT, LOGIN_ACCOUNT_BACKOFF, LOGIN_CLIENT_LIMIT, LOGIN_LIMIT
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
def test_uvicorn_on_an_uninitialised_database_says_what_to_run_and_health_is_503(tmp_path: Path) -> None:
    """`uvicorn api.main:app` without INIT_ON_STARTUP logs one line naming the init command; health 503 until run."""
    env = {**_env(f"sqlite:///{tmp_path / 'fresh.sqlite3'}"), "INIT_ON_STARTUP": "false"}
    uvicorn = ["-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
    with server(uvicorn, env, tmp_path) as base:
        health = httpx.get(f"{base}/system/health", timeout=10)
        assert (health.status_code, health.json()["status"]) == (503, "uninitialized")
        init = subprocess.run([sys.executable, "-m", "core.initialization"], env={**os.environ, **env},
                              cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
        assert init.returncode == 0, init.stdout + init.stderr
        health = httpx.get(f"{base}/system/health", timeout=10)
        assert (health.status_code, health.json()["status"]) == (200, "healthy")
    log = "".join(p.read_text() for p in tmp_path.glob("server-*.log"))
    hints = [line for line in log.splitlines() if "python -m core.initialization" in line]
    assert len(hints) == 1, log
    assert "INIT_ON_STARTUP=true" in hints[0]


@pytest.mark.subprocess
def test_python_m_api_with_an_unreachable_postgresql_exits_with_one_line(tmp_path: Path) -> None:
    """A PostgreSQL URL nothing listens on: exit 1 and one stderr line naming the server, no traceback."""
    env = {**os.environ, **_env(f"postgresql://postgres@127.0.0.1:{free_port()}/leancore")}
    result = subprocess.run([sys.executable, "-m", "api", "--port", str(free_port())], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("leancore: cannot start, cannot connect to PostgreSQL at postgresql://postgres@127.0.0.1:")
    assert "Traceback" not in result.stdout + result.stderr


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


def failed_login(http: httpx.Client, email: str = ADMIN, forwarded: str | None = None) -> int:
    """The status of a wrong-password login for ``email``, sent with ``X-Forwarded-For: forwarded`` if given."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return http.post("/auth/login", data={"username": email, "password": "wrong"}, headers=headers).status_code


def wrong_init(http: httpx.Client, forwarded: str) -> int:
    """The status of an init call with a wrong secret, sent with ``X-Forwarded-For: forwarded``."""
    return http.post("/system/initialize-database",
                     headers={"X-Init-Secret": "wrong", "X-Forwarded-For": forwarded}).status_code


@pytest.mark.subprocess
def test_rotating_x_forwarded_for_from_an_untrusted_peer_is_still_throttled(tmp_path: Path) -> None:
    """`python -m api` trusts no proxy by default: a new X-Forwarded-For on every try from the same host changes
    nothing, so login and init are throttled on the peer's address as if the header were absent."""
    env = _env(f"sqlite:///{tmp_path / 'xff.sqlite3'}")
    with server(["-m", "api"], env, tmp_path) as base, httpx.Client(base_url=base, timeout=10) as http:
        logins = [failed_login(http, forwarded=f"203.0.113.{i}") for i in range(LOGIN_LIMIT.attempts + 1)]
        inits = [wrong_init(http, f"198.51.100.{i}") for i in range(INIT_LIMIT.attempts + 1)]
    assert logins == [401] * LOGIN_LIMIT.attempts + [429]
    assert inits == [403] * INIT_LIMIT.attempts + [429]


@pytest.mark.subprocess
def test_rotating_emails_from_one_client_get_429(tmp_path: Path) -> None:
    """One client trying a new email on every login gets 429 once its per-client allowance is spent."""
    env = _env(f"sqlite:///{tmp_path / 'spray.sqlite3'}")
    with server(["-m", "api"], env, tmp_path) as base, httpx.Client(base_url=base, timeout=10) as http:
        codes = [failed_login(http, f"user{i}@example.com") for i in range(LOGIN_CLIENT_LIMIT.attempts + 1)]
    assert codes == [401] * LOGIN_CLIENT_LIMIT.attempts + [429]


@pytest.mark.subprocess
def test_with_forwarded_allow_ips_the_forwarded_address_is_keyed(tmp_path: Path) -> None:
    """FORWARDED_ALLOW_IPS=127.0.0.1: the address the proxy forwards is the client (its own counters, the
    right-most untrusted hop of a chain), while the per-account backoff and init's global limit still stop a
    guesser who rotates forwarded addresses."""
    env = {**_env(f"sqlite:///{tmp_path / 'proxy.sqlite3'}"), "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    guesser = "203.0.113.7"
    with server(["-m", "api"], env, tmp_path) as base, httpx.Client(base_url=base, timeout=10) as http:
        first = [failed_login(http, forwarded=guesser) for _ in range(LOGIN_LIMIT.attempts + 1)]
        other = failed_login(http, forwarded="203.0.113.8")
        chained = failed_login(http, forwarded=f"192.0.2.1, {guesser}")  # a spoofed hop before the proxy's
        counted = LOGIN_LIMIT.attempts + 1  # attempts on the account so far that passed the per-client limits
        rotating = [failed_login(http, forwarded=f"198.51.100.{i}") for i in range(LOGIN_ACCOUNT_BACKOFF.free)]
        inits = [wrong_init(http, f"192.0.2.{i}") for i in range(INIT_GLOBAL_LIMIT.attempts + 1)]
    assert first == [401] * LOGIN_LIMIT.attempts + [429]
    assert (other, chained) == (401, 429)
    free_left = LOGIN_ACCOUNT_BACKOFF.free - counted
    assert rotating[:free_left] == [401] * free_left
    # The first wait is one second, counted in whole seconds: the next try may fall just past it, the one after
    # that then waits two.
    assert 429 in rotating[free_left:free_left + 2]
    assert inits == [403] * INIT_GLOBAL_LIMIT.attempts + [429]


@pytest.mark.subprocess
def test_a_full_hashing_queue_answers_503_with_retry_after(tmp_path: Path) -> None:
    """With HASH_QUEUE_SECONDS=0 and 600,000-round hashes, the logins of a simultaneous burst that find every
    hashing thread busy get 503 ``busy`` with Retry-After at once; the others are checked (401)."""
    env = {**_env(f"sqlite:///{tmp_path / 'queue.sqlite3'}"), "PASSWORD_ROUNDS": "600000",
           "HASH_QUEUE_SECONDS": "0", "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    burst = 2 * (os.cpu_count() or 1) + 2  # more than the pool's threads (one fewer than the cores)

    async def logins(base: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            return await asyncio.gather(*(
                http.post("/auth/login", data={"username": f"user{i}@example.com", "password": "wrong"},
                          headers={"X-Forwarded-For": f"203.0.113.{i}"})  # distinct clients and accounts
                for i in range(burst)))

    with server(["-m", "api"], env, tmp_path) as base:
        responses = asyncio.run(logins(base))
    codes = [r.status_code for r in responses]
    assert set(codes) == {401, 503}, codes
    for busy in (r for r in responses if r.status_code == 503):
        assert busy.json()["code"] == "busy"
        assert int(busy.headers["retry-after"]) >= 1

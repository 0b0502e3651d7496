"""A real ``python -m api`` process against a PostgreSQL server of the test's own, frozen with SIGSTOP and thawed.

The server is created for the test (initdb + pg_ctl on a free port under a temporary directory, run as an
unprivileged user when the tests run as root, since PostgreSQL refuses root) and never the shared server on 5432.
With ``CI=true`` a server that cannot be started fails the test; elsewhere it skips with the reason.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest

# The server-process helpers of the sibling module (loaded by path: tests/ is not a package).
_spec = importlib.util.spec_from_file_location("_api_test_servers", Path(__file__).with_name("test_servers.py"))
assert _spec is not None
assert _spec.loader is not None
_servers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_servers)
server, free_port = _servers.server, _servers.free_port

ADMIN, PASSWORD = "admin@example.com", "correct horse battery"
# The api's bounds in this test (DATABASE_TIMEOUT and friends); health has its own fixed deadline under 1 s.
CALL_TIMEOUT, STATEMENT_TIMEOUT, POOL_SIZE = 2.0, 1.5, 3
HEALTH_CONTRACT = 1.0  # seconds: what a load balancer waits for /system/health
MARGIN = 1.0  # a loaded 2-core machine: scheduling noise, not the behaviour under test


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"a private PostgreSQL server is required when CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def _bindir() -> Path:
    for candidate in (os.environ.get("LEANCORE_TEST_PG_BINDIR"), "/usr/lib/postgresql/15/bin"):
        if candidate and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = Path(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True).stdout
                      .strip())
        if (bindir / "pg_ctl").exists():
            return bindir
    _unavailable("no PostgreSQL server binaries (initdb, pg_ctl) found")


class PrivatePostgres:
    """A throwaway PostgreSQL cluster: started on a free port, frozen and thawed with signals, removed at the end."""

    def __init__(self) -> None:
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="leancore-frozen-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # postgres refuses to run as root
            runuser = shutil.which("runuser")
            if runuser is None:
                _unavailable("running as root without runuser to start PostgreSQL as an unprivileged user")
            nobody = pwd.getpwnam("nobody")
            os.chown(self.root, nobody.pw_uid, nobody.pw_gid)
            self.as_user = [runuser, "-u", "nobody", "--"]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.as_user, *argv], cwd=self.root, capture_output=True, text=True, timeout=120,
                              check=False)

    def start(self) -> None:
        init = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                         "-E", "UTF8", "--no-sync")
        if init.returncode != 0:
            _unavailable(f"initdb failed: {init.stderr.strip()[-500:]}")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        started = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                            "-o", options, "-w", "-t", "60", "start")
        if started.returncode != 0:
            log = (self.root / "server.log").read_text() if (self.root / "server.log").exists() else ""
            _unavailable(f"pg_ctl start failed: {started.stderr.strip()[-300:]} {log[-500:]}")

    def _pids(self) -> list[int]:
        """The postmaster and every process it started (backends, checkpointer, walwriter, ...)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                # the parent pid is the 2nd field after the parenthesised command name
                if int(stat.read_text().rpartition(")")[2].split()[1]) == postmaster:
                    children.append(int(stat.parent.name))
        return [postmaster, *children]

    def freeze(self) -> None:
        for pid in self._pids():  # postmaster first, so that it starts no new backend meanwhile
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in reversed(self._pids()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.thaw()
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A PostgreSQL server of this test's own (never the shared one: it gets frozen)."""
    pg = PrivatePostgres()
    try:
        pg.start()
        yield pg
    finally:
        pg.stop()


def _timed(client: httpx.Client, method: str, path: str, **kwargs: Any) -> tuple[int, float, dict[str, Any]]:
    started = time.monotonic()
    response = client.request(method, path, **kwargs)
    return response.status_code, time.monotonic() - started, response.json()


class Writer(threading.Thread):
    """Creates users one after another until stopped, remembering which creations answered 2xx."""

    def __init__(self, base: str, auth: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.base, self.auth = base, auth
        self.stop = threading.Event()
        self.acknowledged: list[str] = []
        self.statuses: list[int] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            n = 0
            while not self.stop.is_set():
                n += 1
                email = f"writer{n}@example.com"
                try:
                    status = client.post("/users", headers=self.auth,
                                         json={"email": email, "password": "password-1234"}).status_code
                except httpx.TransportError:
                    status = 0
                self.statuses.append(status)
                if 200 <= status < 300:
                    self.acknowledged.append(email)
                time.sleep(0.05)


@pytest.mark.subprocess
def test_a_frozen_database_gives_fast_503s_and_everything_recovers(private_postgres: PrivatePostgres,
                                                                   tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """With PostgreSQL frozen (SIGSTOP): health is 503 within 1 s, other requests 503 within DATABASE_TIMEOUT, none
    waits for the thaw; after SIGCONT everything answers again and no write that answered 2xx is missing."""
    import psycopg

    env = {"DATABASE_URL": private_postgres.url, "SECRET_KEY": "k" * 40, "ADMIN_EMAIL": ADMIN,
           "SUPER_ADMIN_PASSWORD": PASSWORD, "PASSWORD_ROUNDS": "1000", "DATABASE_TIMEOUT": str(CALL_TIMEOUT),
           "DATABASE_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT), "DATABASE_POOL_SIZE": str(POOL_SIZE)}
    with server(["-m", "api", "--log-level", "warning"], env, tmp_path) as base, \
            httpx.Client(base_url=base, timeout=30) as http:
        assert http.get("/system/health").status_code == 200
        token = http.post("/auth/login", data={"username": ADMIN, "password": PASSWORD}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        writer = Writer(base, auth)
        writer.start()
        time.sleep(0.5)

        private_postgres.freeze()
        try:
            frozen_at = time.monotonic()
            health = [_timed(http, "GET", "/system/health") for _ in range(3)]
            others: list[tuple[int, float, dict[str, Any]]] = []
            threads = [threading.Thread(target=lambda: others.append(_timed(http, "GET", "/auth/me", headers=auth)))
                       for _ in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            time.sleep(CALL_TIMEOUT)  # the writer meets the frozen database too
            frozen_for = time.monotonic() - frozen_at
        finally:
            private_postgres.thaw()

        with capsys.disabled():
            print(f"\n/system/health with the database frozen: "
                  f"{', '.join(f'{s} in {t * 1000:.0f} ms' for s, t, _ in health)}; /auth/me: "
                  f"{', '.join(f'{s} in {t * 1000:.0f} ms' for s, t, _ in sorted(others, key=lambda o: o[1]))}; "
                  f"frozen for {frozen_for:.1f} s")
        for status, latency, body in health:
            assert (status, body["status"], body["code"]) == (503, "unhealthy", "database_unavailable")
            assert latency < HEALTH_CONTRACT + MARGIN
        assert len(others) == len(threads)
        for status, latency, body in others:
            assert (status, body["code"]) == (503, "database_unavailable")
            assert latency < CALL_TIMEOUT + MARGIN  # not waiting for the thaw, nor behind one another

        thawed_at = time.monotonic()
        while http.get("/system/health").status_code != 200:
            assert time.monotonic() < thawed_at + 60, "health did not recover after SIGCONT"
            time.sleep(0.2)
        with capsys.disabled():
            print(f"healthy again {time.monotonic() - thawed_at:.1f} s after SIGCONT")
        assert http.get("/auth/me", headers=auth).status_code == 200
        assert http.post("/users", headers=auth, json={"email": "after@example.com",
                                                       "password": "password-1234"}).status_code == 201
        writer.stop.set()
        writer.join(60)

    assert 503 in writer.statuses, writer.statuses  # the writer did meet the frozen database
    assert writer.acknowledged
    with psycopg.connect(private_postgres.url, connect_timeout=10) as conn:
        stored = {row[0] for row in conn.execute("SELECT email FROM users")}
    missing = [email for email in writer.acknowledged if email not in stored]
    assert missing == []
    assert "after@example.com" in stored

"""The built distribution, as a user gets it: sdist -> wheel built from that sdist -> installed with ``[api]`` in a
fresh virtual environment outside the checkout -> ``python -m api`` serving a login.

Runs in ``tox -e package`` (uv builds and installs; PyPI is needed for hatchling, fastapi and uvicorn).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from uv import find_uv_bin

ROOT = Path(__file__).resolve().parents[2]
UV = find_uv_bin()
ADMIN, PASSWORD = "admin@example.com", "correct horse battery"
# What the sdist promises (pyproject.toml [tool.hatch.build.targets.sdist]) and the packages the wheel holds.
SDIST_TREES = ("core", "api", "tools", "tests", "compat_tests", "bench", "docs")
SDIST_FILES = ("worker.py", "wrangler.toml", "conftest.py", "README.md", "pyproject.toml")
WHEEL_PACKAGES = ("core", "api")


def _run(*argv: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=600,
                            check=False)
    assert result.returncode == 0, f"{argv}: {result.stdout}\n{result.stderr}"
    return result.stdout


def _tracked(*paths: str) -> set[str]:
    """The files git tracks under ``paths`` (what a fresh clone has, so what a build from one must carry)."""
    return set(_run("git", "ls-files", "--", *paths, cwd=ROOT).split())


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(sdist, wheel): the sdist built from the checkout, then the wheel built from that sdist alone."""
    out = tmp_path_factory.mktemp("dist")
    _run(UV, "build", "--sdist", "--out-dir", out, ROOT)
    (sdist,) = out.glob("*.tar.gz")
    _run(UV, "build", "--wheel", "--out-dir", out, sdist)
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def test_sdist_carries_the_packages_the_worker_entry_tools_tests_and_docs(dist: tuple[Path, Path]) -> None:
    """Every tracked file of core/, api/, tools/, tests/, compat_tests/, bench/, docs/ and the promised top-level
    files is in it."""
    with tarfile.open(dist[0]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    missing = (_tracked(*SDIST_TREES) | set(SDIST_FILES)) - names
    assert not missing, f"missing from the sdist: {sorted(missing)}"


def test_wheel_built_from_the_sdist_holds_core_with_its_sql_files_and_api(dist: tuple[Path, Path]) -> None:
    """The wheel (built from the sdist, not the checkout) holds every tracked file of core/ and api/, SQL included."""
    with zipfile.ZipFile(dist[1]) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    missing = _tracked(*WHEEL_PACKAGES) - names
    assert not missing, f"missing from the wheel: {sorted(missing)}"
    assert any(n.startswith("core/migrations/sqlite/") and n.endswith(".sql") for n in names)
    assert any(n.startswith("core/migrations/postgresql/") and n.endswith(".sql") for n in names)
    assert {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")} == set(WHEEL_PACKAGES)
    assert "Requires-Dist: fastapi>=0.142; extra == 'api'" in metadata


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def installed(dist: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the checkout with ``<wheel>[api]`` installed; its python."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run(UV, "venv", "--python", sys.executable, venv)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run(UV, "pip", "install", "--python", python, f"{dist[1]}[api]")
    return python


@pytest.fixture
def served(installed: Path, tmp_path: Path) -> Iterator[str]:
    """``python -m api`` from the installed wheel on a temporary SQLite file, run from an empty folder."""
    port = _free_port()
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": f"sqlite:///{tmp_path / 'first.sqlite3'}",
           "ADMIN_EMAIL": ADMIN, "SUPER_ADMIN_PASSWORD": PASSWORD, "PASSWORD_ROUNDS": "1000"}
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([installed, "-m", "api", "--port", str(port)], cwd=tmp_path, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/system/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"python -m api did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_installed_wheel_imports_from_the_venv_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    """Run from an empty folder, the venv's api and core come from its site-packages."""
    out = _run(installed, "-c", "import api, core; print(api.__file__); print(core.__file__)", cwd=tmp_path)
    for path in out.split():
        assert Path(path).is_relative_to(installed.parent.parent), path
        assert not Path(path).is_relative_to(ROOT), path


def test_installed_wheel_serves_a_login_with_python_m_api(served: str) -> None:
    """`python -m api` from the installed wheel initialises its database and logs in the admin from the environment."""
    with httpx.Client(base_url=served, timeout=30) as http:
        response = http.post("/auth/login", data={"username": ADMIN, "password": PASSWORD})
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        me = http.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["email"] == ADMIN

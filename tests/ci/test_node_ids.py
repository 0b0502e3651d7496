"""Every test of the suite can be selected again by its node id: the root conftest breaks up a generated
parameter id's "::" (IPv6 addresses) and stops collection on an explicit one that holds it. pytest splits a node id
at each "::", so such a test is "not found" when named on the command line, and mutmut, which runs each mutant's
tests by node id, took that usage error for a kill."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pytest(tmp_path: Path, test_file: str, *args: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_ids.py").write_text(test_file, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                           *args], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)


def test_a_generated_id_with_a_double_colon_is_broken_up_and_selectable(tmp_path: Path) -> None:
    """A string parameter "fe80::1" gets the id "fe80: :1", and running the test by that node id finds it."""
    listed = _pytest(tmp_path, 'import pytest\n\n@pytest.mark.parametrize("a", ["fe80::1", ":::1"])\n'
                               "def test_a(a):\n    assert a\n", "--collect-only")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    ids = [line for line in listed.stdout.splitlines() if line.startswith("test_ids.py::")]
    assert ids == ["test_ids.py::test_a[fe80: :1]", "test_ids.py::test_a[ : : :1]"]
    rerun = _pytest(tmp_path, (tmp_path / "test_ids.py").read_text(encoding="utf-8"), ids[0])
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "1 passed" in rerun.stdout


def test_an_explicit_id_with_a_double_colon_stops_collection_naming_it(tmp_path: Path) -> None:
    """An explicit id "2001:db8::1" is a usage error (exit 4) whose message names the test."""
    result = _pytest(tmp_path, 'import pytest\n\n@pytest.mark.parametrize("a", [1], ids=["2001:db8::1"])\n'
                               "def test_a(a):\n    assert a\n")
    assert result.returncode == 4, result.stdout + result.stderr
    assert "cannot be selected by node id" in result.stderr
    assert "test_ids.py::test_a[2001:db8::1]" in result.stderr

"""tools/stage_worker.py: the deploy folder on every supported Python, keeping the user's wrangler.toml."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "stage_worker.py"
D1_ID = "0123abcd-4567-89ef-0123-456789abcdef"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stage_worker", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stage(dest: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The tool as a user runs it, on this interpreter (3.10-3.13 across the core-pyXY envs)."""
    return subprocess.run([sys.executable, str(TOOL), str(dest), *args], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.cpython_only(reason="runs the tool as a subprocess; Pyodide has no processes")
def test_stages_the_code_config_and_dependencies_and_says_so(tmp_path: Path) -> None:
    """A first run copies worker.py, core/ (SQL included), api/, wrangler.toml, writes pyproject.toml, and says so."""
    dest = tmp_path / "worker"
    result = stage(dest)
    assert result.returncode == 0, result.stderr
    assert (dest / "worker.py").read_bytes() == (ROOT / "worker.py").read_bytes()
    assert (dest / "core" / "migrations" / "sqlite" / "0001_initial.sql").is_file()
    assert (dest / "api" / "app.py").is_file()
    assert (dest / "wrangler.toml").read_bytes() == (ROOT / "wrangler.toml").read_bytes()
    assert 'dependencies = ["fastapi>=' in (dest / "pyproject.toml").read_text()
    assert not list(dest.rglob("__pycache__"))
    lines = result.stdout.splitlines()
    assert lines[0] == f"staged {dest}:"
    assert "  copied wrangler.toml (edit it there: later runs keep it)" in lines
    assert any("placeholder database_id" in line for line in lines)
    assert lines[-1].startswith(f"next: cd {dest} && uv run pywrangler deploy")


@pytest.mark.cpython_only(reason="runs the tool as a subprocess; Pyodide has no processes")
def test_a_second_run_keeps_wrangler_toml_and_other_files_and_refreshes_the_code(tmp_path: Path) -> None:
    """Re-staging keeps an edited wrangler.toml and pywrangler's files, and drops a module gone from core/."""
    dest = tmp_path / "worker"
    assert stage(dest).returncode == 0
    edited = (dest / "wrangler.toml").read_text().replace("00000000-0000-0000-0000-000000000000", D1_ID)
    (dest / "wrangler.toml").write_text(edited)
    (dest / "python_modules").mkdir()
    (dest / "python_modules" / "vendored.py").write_text("x = 1\n")
    (dest / "core" / "removed_upstream.py").write_text("")
    result = stage(dest)
    assert result.returncode == 0, result.stderr
    assert (dest / "wrangler.toml").read_text() == edited
    assert (dest / "python_modules" / "vendored.py").is_file()
    assert not (dest / "core" / "removed_upstream.py").exists()
    assert any(line.startswith("  kept your wrangler.toml") for line in result.stdout.splitlines())
    assert "placeholder" not in result.stdout


@pytest.mark.cpython_only(reason="runs the tool as a subprocess; Pyodide has no processes")
def test_database_id_flag_writes_the_id_and_refuses_what_is_not_one(tmp_path: Path) -> None:
    """--database-id UUID sets database_id in the staged wrangler.toml only; a non-UUID is exit 2, nothing staged."""
    dest = tmp_path / "worker"
    result = stage(dest, "--database-id", D1_ID)
    assert result.returncode == 0, result.stderr
    assert f'database_id = "{D1_ID}"' in (dest / "wrangler.toml").read_text()
    assert f'database_id = "{D1_ID}"' not in (ROOT / "wrangler.toml").read_text()
    assert f"  set database_id = '{D1_ID}' in wrangler.toml" in result.stdout.splitlines()
    bad = stage(tmp_path / "other", "--database-id", "leancore")
    assert bad.returncode == 2
    assert bad.stderr.startswith("stage_worker: --database-id: expected the UUID")
    assert not (tmp_path / "other").exists()


def test_without_tomllib_the_lists_are_read_the_same(tool: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """With tomllib unimportable (Python 3.10), pyproject.toml's workers extra and pywrangler group read the same."""
    text = (ROOT / "pyproject.toml").read_text()
    expected = tool.project_lists(text)
    monkeypatch.setitem(sys.modules, "tomllib", None)
    assert tool.project_lists(text) == expected
    assert expected[0][0].startswith("fastapi>=")


def test_the_fallback_reader_agrees_with_tomllib_on_pyproject(tool: ModuleType) -> None:
    """The 3.10 fallback reads pyproject.toml's two arrays as tomllib does (3.11+ only: tomllib is the oracle)."""
    tomllib = pytest.importorskip("tomllib")
    module = tool
    text = (ROOT / "pyproject.toml").read_text()
    parsed = tomllib.loads(text)
    assert module._toml_string_array(text, "project.optional-dependencies", "workers") == (
        parsed["project"]["optional-dependencies"]["workers"])
    assert module._toml_string_array(text, "dependency-groups", "pywrangler") == (
        parsed["dependency-groups"]["pywrangler"])


def test_the_fallback_reader_takes_comments_multiline_arrays_and_trailing_commas(tool: ModuleType) -> None:
    """A multi-line array with comments and a trailing comma, in the right table only."""
    text = ('[other]\nworkers = ["no"]\n\n[project.optional-dependencies]\n# a comment\n'
            'api = ["x"]\nworkers = [\n    "fastapi>=1",  # why\n    "b[c]>=2",\n]\n\n[tool.x]\n')
    assert tool._toml_string_array(text, "project.optional-dependencies", "workers") == ["fastapi>=1", "b[c]>=2"]
    with pytest.raises(KeyError):
        tool._toml_string_array(text, "project.optional-dependencies", "missing")

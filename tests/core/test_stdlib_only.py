"""core depends on the standard library alone, at every depth, and draws no randomness at import time."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import os
import pkgutil
import random
import secrets
import sys
from pathlib import Path

import pytest

import core

CORE_DIR = Path(core.__file__).resolve().parent
# Imported only when their feature is used, never at import time: a guarded optional speed-up / driver.
OPTIONAL_THIRD_PARTY = {"bcrypt", "psycopg", "psycopg_pool", "js", "pyodide"}


def core_modules() -> list[str]:
    return ["core"] + [m.name for m in pkgutil.walk_packages([str(CORE_DIR)], prefix="core.")]


def imported_names(path: Path) -> list[tuple[str, int, bool]]:
    """(top-level module name, line, guarded-by-try/function) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, guarded: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = guarded or isinstance(child, (ast.Try, ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name.split(".")[0], child.lineno, guarded) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module.split(".")[0], child.lineno, guarded))
            visit(child, inner)

    visit(tree, False)
    return found


def test_every_import_in_core_resolves_to_the_standard_library() -> None:
    """Every import statement in core names core itself or a stdlib module (optional extras only lazily)."""
    offenders = []
    for path in sorted(CORE_DIR.rglob("*.py")):
        for name, line, guarded in imported_names(path):
            if name in ("core", "__future__") or name in sys.stdlib_module_names:
                continue
            if guarded and name in OPTIONAL_THIRD_PARTY:
                continue
            offenders.append(f"{path.relative_to(CORE_DIR.parent)}:{line}: {name}")
    assert offenders == []


def test_importing_core_loads_no_third_party_module() -> None:
    """After importing every core module, every module loaded comes from the stdlib, core, or the test tools."""
    before = set(sys.modules)
    for name in core_modules():
        importlib.import_module(name)
    test_tools = {"pytest", "_pytest", "hypothesis", "_hypothesis_pytestplugin", "pluggy", "iniconfig",
                  "packaging", "attr", "sortedcontainers", "exceptiongroup", "tomli", "pygments", "_virtualenv"}
    new_tops = {m.split(".")[0] for m in set(sys.modules) - before}
    foreign = sorted(n for n in new_tops if n not in sys.stdlib_module_names and n != "core" and n not in test_tools)
    assert foreign == []


def test_the_environment_holds_only_the_test_tools() -> None:
    """In the core tox envs nothing but pytest, hypothesis and their own dependencies is installed."""
    expected = os.environ.get("LEANCORE_EXPECT_ONLY")
    if expected is None:
        pytest.skip("only meaningful in the core-pyXY tox envs, which set LEANCORE_EXPECT_ONLY")
    allowed = {"leancore", "pytest", "hypothesis", "pluggy", "iniconfig", "packaging", "sortedcontainers",
               "attrs", "exceptiongroup", "tomli", "pygments", "colorama", "typing-extensions"}
    installed = {d.metadata["Name"].lower().replace("_", "-") for d in importlib.metadata.distributions()}
    assert installed - allowed == set()


@pytest.mark.parametrize("module", core_modules())
def test_importing_a_core_module_draws_no_randomness(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh import of each core module calls no os.urandom / secrets / random seeding (Workers snapshots)."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"randomness drawn while importing {module}")

    for target, attr in [(os, "urandom"), (secrets, "token_bytes"), (secrets, "token_hex"),
                         (secrets, "token_urlsafe"), (random, "seed"), (random, "randbytes")]:
        monkeypatch.setattr(target, attr, forbidden)
    monkeypatch.setattr(random.SystemRandom, "random", forbidden)
    saved = {name: mod for name, mod in sys.modules.items() if name == "core" or name.startswith("core.")}
    for name in saved:
        del sys.modules[name]
    try:
        importlib.import_module(module)
    finally:
        for name in [n for n in sys.modules if n == "core" or n.startswith("core.")]:
            del sys.modules[name]
        sys.modules.update(saved)

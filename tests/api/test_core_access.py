"""api._core: the api reaches core's modules on first use only, so building the app loads none it does not need."""

from __future__ import annotations

import subprocess
import sys

import pytest

from api import _core


def test_an_attribute_is_the_core_module_itself() -> None:
    """``_core.db`` is ``core.db`` (imported on first use, then a plain attribute)."""
    import core.db

    assert _core.db is core.db
    assert "db" in vars(_core)


def test_an_unknown_name_is_an_attribute_error() -> None:
    """Only core's modules are reachable: a typo is an AttributeError, not an import of something else."""
    with pytest.raises(AttributeError, match="no attribute 'dbs'"):
        _core.dbs  # noqa: B018


@pytest.mark.cpython_only(reason="runs a fresh interpreter to see what import api loads")
def test_building_the_app_loads_no_core_module_it_does_not_need() -> None:
    """``import api; create_app()`` in a fresh process leaves core.db, core.jwt, core.emails, core.passwords,
    core.settings and core.initialization unloaded until a request needs them."""
    code = ("import sys, api; api.create_app(); "
            "print(sorted(m for m in sys.modules if m.startswith('core')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "['core', 'core.errors']"

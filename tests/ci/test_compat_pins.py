"""The `compat` extra of pyproject.toml (what `python -m compat_tests` runs with) pins exactly the reference
releases `tox -e compat` tests, and `compat-latest`, the unpinned run, stays out of env_list."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORACLES = {"python-jose", "pyjwt", "passlib", "bcrypt", "email-validator"}


def _pins(specs: list[str]) -> dict[str, str]:
    found = (re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", spec.strip()) for spec in specs)
    return {m.group(1).lower(): m.group(2) for m in found if m and m.group(1).lower() in ORACLES}


def _tox() -> configparser.ConfigParser:
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "tox.ini")
    return config


def test_the_compat_extra_pins_the_releases_tox_compat_tests() -> None:
    """Each reference library has the same pinned release in the extra and in tox -e compat's deps."""
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ (tox -e lint runs on 3.11 in CI)")
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["compat"]
    tox_deps = _tox()["testenv:compat"]["deps"].splitlines()
    assert _pins(extra) == _pins(tox_deps)
    assert set(_pins(extra)) == ORACLES


def test_compat_latest_is_on_demand_only() -> None:
    """compat-latest exists but is not in env_list (CI must not depend on what the index serves today)."""
    config = _tox()
    assert config.has_section("testenv:compat-latest")
    assert "compat-latest" not in config["tox"]["env_list"].split()

"""The release envs (tox -e compat-jose33, ...) name the release they install in LEANCORE_ORACLE; a run on any other
release stops before collecting, so a resolver surprise cannot pass as a test of the wrong version."""

from __future__ import annotations

import importlib.metadata
import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    expected = os.environ.get("LEANCORE_ORACLE")
    if not expected:
        return  # tox -e compat: the newest pins, checked by their own tox deps
    name, _, version = expected.partition("==")
    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        installed = "not installed"
    if installed != version:
        raise pytest.UsageError(f"LEANCORE_ORACLE asks for {expected}, but {name} is {installed}")


def pytest_report_header() -> str | None:
    expected = os.environ.get("LEANCORE_ORACLE")
    return f"oracle release under test: {expected}" if expected else None

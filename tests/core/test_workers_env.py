"""core.workers_env: a Workers env object read as the str mapping Settings.from_env takes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core.settings import VARIABLES, Settings, SettingsError
from core.workers_env import WorkersEnv

SECRET = "s" * 40


class RecordingMapping(dict):  # type: ignore[type-arg]
    """A mapping that remembers every name read through get()."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def get(self, key: Any, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)


class SdkEnv:
    """Like the Workers SDK's env wrapper: unknown names raise AttributeError."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def test_variables_lists_every_name_settings_reads() -> None:
    """Settings.from_env reads exactly the names in VARIABLES, so the adapter exposes all it needs."""
    env = RecordingMapping()
    Settings.from_env(env)
    assert env.read == set(VARIABLES)


def test_vars_and_secrets_become_settings() -> None:
    """String attributes (vars, secrets) are read; bindings and unrelated names are not exposed."""
    env = SimpleNamespace(ENVIRONMENT="production", SECRET_KEY=SECRET, DB=object(), OTHER="x")
    mapping = WorkersEnv(env)
    assert dict(mapping) == {"ENVIRONMENT": "production", "SECRET_KEY": SECRET}
    settings = Settings.from_env(mapping)
    assert (settings.environment, settings.secret_key) == ("production", SECRET)


@pytest.mark.parametrize(("value", "text"), [(30, "30"), (True, "true"), (False, "false"), (1.5, "1.5")])
def test_json_vars_become_the_strings_settings_parse(value: object, text: str) -> None:
    """A var written as a TOML number or boolean in wrangler.toml arrives as a number/bool and reads as text."""
    assert WorkersEnv(SdkEnv(INIT_ON_STARTUP=value))["INIT_ON_STARTUP"] == text


def test_missing_names_are_absent_whatever_the_env_says() -> None:
    """An AttributeError (SDK wrapper), None or a JsNull-typed value (undefined/null) all mean unset."""

    class JsNull:
        """Named like pyodide.ffi's type for JS null."""

    mapping = WorkersEnv(SimpleNamespace(ENVIRONMENT=None, SECRET_KEY=JsNull()))
    assert len(mapping) == 0
    assert "ENVIRONMENT" not in mapping
    assert WorkersEnv(SdkEnv()).get("SECRET_KEY") is None


def test_other_values_reach_settings_which_reports_them() -> None:
    """A non-string, non-number value is passed on so that Settings names the variable in its error."""
    with pytest.raises(SettingsError, match="TOKEN_ISSUER: must be a string"):
        Settings.from_env(WorkersEnv(SdkEnv(TOKEN_ISSUER=["a"])))


def test_repr_shows_names_not_secrets() -> None:
    """repr lists the names present and never a value (secrets live in this mapping)."""
    text = repr(WorkersEnv(SdkEnv(SECRET_KEY=SECRET)))
    assert "SECRET_KEY" in text
    assert SECRET not in text

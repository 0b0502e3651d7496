"""A Cloudflare Workers ``env`` seen as the ``Mapping[str, str]`` that ``Settings.from_env`` reads.

A Worker's ``self.env`` is an object, not a mapping: ``[vars]`` and secrets are attributes (strings, or JSON
values for vars written as numbers/booleans in wrangler.toml), bindings such as ``DB`` are attributes too, and a
missing name is ``undefined`` (``None`` / ``jsnull`` in Python, or an ``AttributeError`` from the SDK's wrapper).
Only the names settings read are exposed (:data:`core.settings.VARIABLES`): a mapping over the whole env would
have to enumerate JS keys, and bindings are not settings. Numbers and booleans become the strings settings parse
(``30`` -> ``"30"``, ``true`` -> ``"true"``); anything else non-string is passed on so that settings reports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from core.settings import VARIABLES


def _value(env: Any, name: str) -> Any:
    try:
        value = getattr(env, name)
    except AttributeError:
        return None
    if value is None or type(value).__name__ in ("JsNull", "JsUndefined"):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


class WorkersEnv(Mapping[str, Any]):
    """The settings variables of a Workers env (read once, at construction: an env does not change)."""

    def __init__(self, env: Any, names: Iterable[str] = VARIABLES) -> None:
        self._values = {name: value for name in names if (value := _value(env, name)) is not None}

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:  # values may be secrets: names only
        return f"WorkersEnv({sorted(self._values)})"

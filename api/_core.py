"""core, loaded on first use: the api's one way to reach core's modules at run time.

``import api`` and ``create_app()`` load no core module they do not need to build routes: on Workers the app is
built inside the deploy-time memory snapshot, and what a request path needs first after a restore is compiled from
source then, so each module costs a no-snapshot start or a first request (bench ``workers.nosnapshot``,
``api.coldstart``). Modules of ``api`` therefore import this module at the top and name core through it inside the
functions that run per request: ``_core.db.IntegrityError``, ``_core.jwt.JWTError``. The first use of an attribute
imports that core module (once; it is then a plain module attribute). Type checkers see the real modules.

The command-line entry points (``api/__main__.py``, ``api/_create_admin.py``) import core directly: they never run
on Workers.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

TYPE_CHECKING = False
if TYPE_CHECKING:
    from core import db, emails, initialization, jwt, migrations, passwords, settings

    __all__ = ["db", "emails", "initialization", "jwt", "migrations", "passwords", "settings"]

_MODULES = frozenset({"db", "emails", "initialization", "jwt", "migrations", "passwords", "settings"})


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"core.{name}")
    globals()[name] = module  # later uses are a plain attribute lookup
    return module

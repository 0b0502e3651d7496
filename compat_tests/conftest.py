"""compat_tests' own modules (the CLI, the token comparison) are importable from the tests.

The checkout is appended to ``sys.path``, not prepended: ``core`` and ``api`` still come from the installed wheel
(what tox tests), and only ``compat_tests`` and ``bench`` (never installed) are found in the checkout.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.append(ROOT)

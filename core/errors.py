"""The root of every exception leancore raises.

Each error carries a stable ``code`` string (``snake_case``) that the api layer maps to HTTP responses and
logs; messages are for people and may change, codes may not.
"""

from __future__ import annotations


class LeancoreError(Exception):
    """Base class of every error raised by ``core``."""

    code: str = "leancore_error"

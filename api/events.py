"""Structured security events: one JSON log line each on logger ``leancore.security``, and per-process counters.

Events (``event`` field): ``login_succeeded``, ``login_failed`` (``reason``: ``unknown_user``, ``wrong_password``,
``inactive_user``, ``bad_hash``), ``hash_upgraded``, ``token_rejected`` (``code``: the core error's code),
``throttled`` (``scope``: ``login`` or ``init``; ``limit``: the one that refused, ``client_account``, ``client``,
``account`` or ``global``: api/throttle.py), ``hashing_busy`` (a login answered 503: the hashing queue was full),
``init_denied``, ``initialization_run`` (report summary), ``password_changed``, ``email_changed``, ``user_created``,
``user_registered``, ``user_deleted``, ``logout_all``, ``password_reset_requested`` (``outcome``: ``sent``,
``no_active_account``, ``throttled``), ``password_reset_issued`` (by a super admin), ``password_reset_link``
(development only: the link itself, the one event that carries a token), ``password_reset_delivered``,
``password_reset_delivery_failed``, ``password_reset_completed``.
Only identifiers go in: a client address, an email, a user id, a code. Never a password, a token, a hash or a
secret: callers pass fields explicitly, nothing is copied from a request wholesale. ``/system/status`` shows the
counters since process start.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from typing import Any

logger = logging.getLogger("leancore.security")
# INFO by default so the events reach whatever handler the deployment installs (python -m api adds one on stderr).
logger.setLevel(logging.INFO)

# Field names that must never reach a log line, whatever a caller passes (a guard against future mistakes).
_FORBIDDEN = frozenset({"password", "token", "access_token", "secret", "hashed_password", "init_secret"})


class SecurityEvents:
    """Emits security events and counts them (per app instance, since process start)."""

    def __init__(self) -> None:
        self.counters: Counter[str] = Counter()

    def emit(self, event: str, **fields: Any) -> None:
        """Count ``event`` and log it as one JSON object (``ts``, ``event``, then the given fields)."""
        leaked = _FORBIDDEN.intersection(fields)
        if leaked:
            raise ValueError(f"security events never carry {sorted(leaked)}")
        key = f"{event}:{fields['reason']}" if "reason" in fields else event
        self.counters[key] += 1
        if logger.isEnabledFor(logging.INFO):
            record = {"ts": round(time.time(), 3), "event": event, **fields}
            logger.info(json.dumps(record, separators=(",", ":"), ensure_ascii=True, default=str))

    def snapshot(self) -> dict[str, int]:
        return dict(sorted(self.counters.items()))

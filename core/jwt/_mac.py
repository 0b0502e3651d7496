"""HMAC (RFC 2104) with each key's padded states computed once, and a constant-time comparison.

``hmac.digest`` re-derives the key's inner and outer pad states on every call: two of the three or four
compression-function runs of a short token's MAC, about half its cost. Keys are configuration (a handful per
process), so the two keyed hash states (core._hmac_keys) are kept per key and copied per message, as RFC 2104 §4
suggests ("the intermediate results ... may be precomputed"). Output is identical to ``hmac.digest``
(tests/core/test_jwt_mac.py pins it).

hashlib is imported on the first MAC, not at import: it loads OpenSSL's _hashlib on CPython, ~10 ms of the
~21 ms `import core.jwt` cost inside Pyodide (workers.import_core budget). worker.py imports hashlib at module
level so a Worker has it in its snapshot.
"""

from __future__ import annotations

# hmac.compare_digest where OpenSSL is absent (Pyodide), importable at no cost: a constant-time comparison whose
# duration does not depend on where the inputs first differ.
from _operator import _compare_digest as compare_digest

from core._hmac_keys import pad_states

__all__ = ["compare_digest", "mac"]

TYPE_CHECKING = False  # typing costs import time (Workers startup budget); annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

# (secret, hash name) -> (inner state, outer state). Bounded like the vetted-key cache in _keys: callers could pass
# many distinct keys, and clearing when full means attacker-chosen input can evict entries but never grow it.
_STATES: dict[tuple[bytes, str], tuple[Any, Any]] = {}
_STATES_MAX = 64


def mac(secret: bytes, message: bytes, digest: str) -> bytes:
    """HMAC of ``message`` under ``secret`` with hash ``digest`` ("sha256", "sha384" or "sha512")."""
    cache_key = (secret, digest)
    states = _STATES.get(cache_key)
    if states is None:
        if len(_STATES) >= _STATES_MAX:
            _STATES.clear()
        states = _STATES[cache_key] = pad_states(secret, digest)
    inner = states[0].copy()
    inner.update(message)
    outer = states[1].copy()
    outer.update(inner.digest())
    return outer.digest()  # type: ignore[no-any-return]

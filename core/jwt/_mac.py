"""HMAC (RFC 2104) with each key's preparation done once, and a constant-time comparison.

``hmac.digest`` re-derives the key's inner and outer pad states on every call: two of the three or four
compression-function runs of a short token's MAC, about half its cost. Keys are configuration (a handful per
process), so per key one of two preparations (core._hmac_keys) is kept:

- the two keyed hash states, copied per message, as RFC 2104 §4 suggests ("the intermediate results ... may be
  precomputed"): the faster way where hashlib is OpenSSL's (CPython; ~half of ``hmac.digest`` on CPython 3.11);
- the key as HMAC uses it (hashed first if longer than the block), passed to CPython's built-in HACL* one-shot HMAC
  (``_hmac.compute_sha256`` ...) where hashlib has no OpenSSL, as on Pyodide 314: a MAC through it there took
  0.79-0.83x the time of the state copies (HS256/384/512, 270-byte input, Pyodide 314.0.7 under Node 20;
  workers_harness/measure.mjs jwt-mac), whose copy/update/digest calls each cost more in WebAssembly than the two
  compressions they save.

Output is identical to ``hmac.digest`` either way (tests/core/test_jwt_mac.py pins both).

hashlib is imported on the first MAC, not at import: it loads OpenSSL's _hashlib on CPython, and was ~10 ms of the
~21 ms `import core.jwt` cost inside Pyodide 314 (workers.import_core budget). worker.py imports hashlib at module
level so a Worker has it in its snapshot.
"""

from __future__ import annotations

# hmac.compare_digest where OpenSSL is absent (Pyodide), importable at no cost: a constant-time comparison whose
# duration does not depend on where the inputs first differ.
from _operator import _compare_digest as compare_digest

from core._cache import BoundedCache
from core._hmac_keys import block_key, hashlib_has_openssl, oneshot, pad_states

__all__ = ["compare_digest", "mac", "prepare"]

TYPE_CHECKING = False  # typing costs import time (Workers startup budget); annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# (secret, hash name) -> (inner state, outer state), or -> (one-shot function, block key) where that is the faster
# way (module docstring). Two caches so that the state path, CPython's, pays no extra test per MAC; an interpreter
# fills only one of them unless a test forces the other way. Bounded like the vetted-key cache in _keys: callers
# could pass many distinct keys.
_STATES_MAX = 64
_STATES: BoundedCache[tuple[bytes, str], tuple[Any, Any]] = BoundedCache(_STATES_MAX)
_ONESHOT: BoundedCache[tuple[bytes, str], tuple[Callable[[bytes, bytes], bytes], bytes]] = BoundedCache(_STATES_MAX)


def mac(secret: bytes, message: bytes, digest: str) -> bytes:
    """HMAC of ``message`` under ``secret`` with hash ``digest`` ("sha256", "sha384" or "sha512")."""
    cache_key = (secret, digest)
    states = _STATES.get(cache_key)
    if states is None:
        keyed = _ONESHOT.get(cache_key)
        if keyed is not None:
            return keyed[0](keyed[1], message)
        prepare(secret, digest)
        return mac(secret, message, digest)
    inner = states[0].copy()
    inner.update(message)
    outer = states[1].copy()
    outer.update(inner.digest())
    return outer.digest()  # type: ignore[no-any-return]


def prepare(secret: bytes, digest: str, *, use_oneshot: bool | None = None) -> None:
    """Cache ``secret``'s preparation for ``digest``: the faster one here (None), or the one-shot HMAC / states forced.

    Forcing the one-shot HMAC where the interpreter has none raises ValueError.
    """
    compute = None if use_oneshot is False else oneshot(digest)
    if compute is None and use_oneshot:
        raise ValueError("this interpreter has no built-in one-shot HMAC (_hmac: CPython >= 3.14, Pyodide 314)")
    if compute is None or (use_oneshot is None and hashlib_has_openssl()):
        _STATES.put((secret, digest), pad_states(secret, digest))
    else:
        _ONESHOT.put((secret, digest), (compute, block_key(secret, digest)))

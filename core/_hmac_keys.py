"""RFC 2104 keying shared by core.jwt (token MACs) and core.passwords (the pure-Python PBKDF2).

Two ways to compute an HMAC without re-deriving the key per message:

- ``pad_states``: the two hash states that have absorbed the key XOR ipad and XOR opad. An HMAC is then
  ``outer.copy() <- inner.copy() <- message``: copying a state replaces re-hashing the padded key, two of the three
  or four compression-function runs of a short message's MAC.
- ``oneshot``: CPython's built-in HACL* HMAC (``_hmac``, CPython >= 3.14 and Pyodide 314), one C call per message,
  given the key from ``block_key`` so that a long key is hashed once rather than in every call.

Output equals ``hmac.digest`` either way (tests/core/test_hmac_keys.py, tests/core/test_jwt_mac.py and the PBKDF2
vectors pin it).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs import time (Workers startup budget); annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any

_INNER_PAD = bytes(b ^ 0x36 for b in range(256))  # RFC 2104 §2 ipad, as a translate table
_OUTER_PAD = bytes(b ^ 0x5C for b in range(256))  # RFC 2104 §2 opad

# The `_hmac` module (None where missing), looked up on the first call, not at import: a failed `import _hmac` costs
# 0.1-0.2 ms on CPython 3.10-3.13.
_builtin_hmac: ModuleType | None = None
_builtin_hmac_probed = False


def block_key(key: bytes, digest: str) -> bytes:
    """``key`` as HMAC uses it: hashed first when longer than the hash's block (RFC 2104 §2), else unchanged."""
    import hashlib  # lazy: hashlib loads OpenSSL's _hashlib on CPython (import-time budgets)

    if len(key) > hashlib.new(digest).block_size:
        return hashlib.new(digest, key).digest()
    return key


def pad_states(key: bytes, digest: str) -> tuple[Any, Any]:
    """(inner, outer): fresh ``hashlib`` states for ``digest`` keyed with ``key``; copy them, never update them."""
    import hashlib  # lazy, see block_key

    block_size = hashlib.new(digest).block_size
    padded = block_key(key, digest).ljust(block_size, b"\0")
    return hashlib.new(digest, padded.translate(_INNER_PAD)), hashlib.new(digest, padded.translate(_OUTER_PAD))


def oneshot(digest: str) -> Callable[[bytes, bytes], bytes] | None:
    """``_hmac.compute_<digest>(key, message)`` where this interpreter has CPython's built-in HACL* HMAC, else None.

    Give it ``block_key(key, digest)``: it would hash a key longer than the block again on every call.
    """
    global _builtin_hmac, _builtin_hmac_probed  # noqa: PLW0603 - a once-only lazy import cache
    if not _builtin_hmac_probed:
        try:
            _builtin_hmac = __import__("_hmac")
        except ImportError:  # CPython < 3.14, or a build without it
            _builtin_hmac = None
        _builtin_hmac_probed = True
    if _builtin_hmac is None:
        return None
    return getattr(_builtin_hmac, "compute_" + digest, None)  # type: ignore[no-any-return, unused-ignore]


def hashlib_has_openssl() -> bool:
    """Whether ``hashlib`` is backed by OpenSSL (CPython as usually built) rather than HACL* alone (Pyodide 314)."""
    import hashlib  # lazy, see block_key

    # Since CPython 3.12 only OpenSSL's _hashlib provides pbkdf2_hmac (the pure-Python one was removed).
    return hasattr(hashlib, "pbkdf2_hmac")

"""RFC 2104 keying shared by core.jwt (token MACs) and core.passwords (the pure-Python PBKDF2): the two hash states
that have absorbed the key XOR ipad and XOR opad.

An HMAC is then ``outer.copy() <- inner.copy() <- message``: copying a state replaces re-hashing the padded key,
two of the three or four compression-function runs of a short message's MAC. Output equals ``hmac.digest``
(tests/core/test_jwt_mac.py and the PBKDF2 vectors pin it).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs import time (Workers startup budget); annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

_INNER_PAD = bytes(b ^ 0x36 for b in range(256))  # RFC 2104 §2 ipad, as a translate table
_OUTER_PAD = bytes(b ^ 0x5C for b in range(256))  # RFC 2104 §2 opad


def pad_states(key: bytes, digest: str) -> tuple[Any, Any]:
    """(inner, outer): fresh ``hashlib`` states for ``digest`` keyed with ``key``; copy them, never update them."""
    import hashlib  # lazy: hashlib loads OpenSSL's _hashlib on CPython (import-time budgets)

    block_size = hashlib.new(digest).block_size
    if len(key) > block_size:  # RFC 2104 §2: keys longer than the block are hashed first
        key = hashlib.new(digest, key).digest()
    padded = key.ljust(block_size, b"\0")
    return hashlib.new(digest, padded.translate(_INNER_PAD)), hashlib.new(digest, padded.translate(_OUTER_PAD))

"""passlib's "adapted base64" (ab64): standard base64 with ``+`` written as ``.`` and no ``=`` padding.

Decoding is strict: only the ab64 alphabet, no padding, and canonical trailing bits, so that one byte string has
exactly one textual form (passlib is lenient here; docs/compatibility.md lists the difference).
"""

from __future__ import annotations

import base64
import binascii
import re

_AB64_TEXT = re.compile(r"[./A-Za-z0-9]*")


def ab64_encode(data: bytes) -> str:
    """Encode bytes as ab64 text."""
    return base64.b64encode(data).decode("ascii").replace("+", ".").rstrip("=")


def ab64_decode(text: str) -> bytes | None:
    """Decode canonical ab64 text; ``None`` when it is not canonical ab64 (the caller raises its typed error)."""
    if not _AB64_TEXT.fullmatch(text) or len(text) % 4 == 1:
        return None
    padded = text.replace(".", "+") + "=" * (-len(text) % 4)
    try:
        data = base64.b64decode(padded, validate=True)
    except binascii.Error:
        return None
    # Non-zero unused trailing bits would give a second spelling of the same bytes.
    if ab64_encode(data) != text:
        return None
    return data

"""passlib's "adapted base64" (ab64): standard base64 with ``+`` written as ``.`` and no ``=`` padding.

Decoding is strict: only the ab64 alphabet, no padding, and canonical trailing bits, so that one byte string has
exactly one textual form (passlib is lenient here; docs/compatibility.md lists the difference).
"""

from __future__ import annotations

# binascii (a builtin module) rather than base64/re: `import core.passwords` must stay cheap (bench budget).
import binascii


def only_chars(text: str, extra: str) -> bool:
    """Whether ``text`` consists of ASCII letters, digits and characters of ``extra`` only (empty text: True)."""
    for char in extra:
        text = text.replace(char, "")
    return not text or (text.isascii() and text.isalnum())


def ab64_encode(data: bytes) -> str:
    """Encode bytes as ab64 text."""
    return binascii.b2a_base64(data, newline=False).decode("ascii").replace("+", ".").rstrip("=")


def ab64_decode(text: str) -> bytes | None:
    """Decode canonical ab64 text; ``None`` when it is not canonical ab64 (the caller raises its typed error)."""
    if not only_chars(text, "./") or len(text) % 4 == 1:
        return None
    padded = text.replace(".", "+") + "=" * (-len(text) % 4)
    try:
        data = binascii.a2b_base64(padded)
    except binascii.Error:  # unreachable after the alphabet and length checks; kept so it cannot leak
        return None
    # Non-zero unused trailing bits would give a second spelling of the same bytes.
    if ab64_encode(data) != text:
        return None
    return data

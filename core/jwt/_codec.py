"""Strict base64url and JSON for token segments.

python-jose decodes with ``base64.urlsafe_b64decode`` after re-padding, which silently drops characters outside
the alphabet and accepts non-zero trailing bits: one signature then has many spellings. Here a segment is accepted
only in its single canonical form (RFC 7515 §2: unpadded base64url).
"""

from __future__ import annotations

import binascii

from core.jwt.exceptions import InvalidClaimTypeError, MalformedTokenError

TYPE_CHECKING = False  # typing costs import time (Workers startup budget); annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any


_PADDING = (b"", b"", b"==", b"=")
_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# With 2 or 3 characters in the last quantum, the final character carries 4 or 2 unused bits that a canonical
# encoder leaves zero; these are the only characters allowed there.
_CANONICAL_LAST = {2: frozenset(_ALPHABET[::16]), 3: frozenset(_ALPHABET[::4])}


_STANDARD_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")


def b64url_encode(data: bytes) -> bytes:
    return binascii.b2a_base64(data, newline=False).translate(_STANDARD_TO_URLSAFE).rstrip(b"=")


def b64url_decode(segment: bytes, what: str) -> bytes:
    """Decode an unpadded base64url segment, refusing every non-canonical spelling.

    Alphabet and length are checked up front and the unused trailing bits must be zero, which together make
    the spelling unique without re-encoding (this sits on the hot path of every request).
    """
    remainder = len(segment) % 4
    if remainder == 1 or segment.translate(None, _ALPHABET):  # anything left after deleting the alphabet
        raise MalformedTokenError(f"Invalid {what} encoding: not canonical base64url")
    if remainder and segment[-1] not in _CANONICAL_LAST[remainder]:
        raise MalformedTokenError(f"Invalid {what} encoding: non-zero trailing bits")
    try:
        return binascii.a2b_base64(segment.translate(_URLSAFE_TO_STANDARD) + _PADDING[remainder])
    except binascii.Error as exc:  # unreachable after the checks above; kept so no binascii.Error can escape
        raise MalformedTokenError(f"Invalid {what} encoding") from exc


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _NumberOutOfRange(ValueError):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (_INF, -_INF):  # 1e999 is valid JSON grammar but overflows to inf (parse_constant never sees it)
        raise _NumberOutOfRange(f"number {text[:20]} is out of range")
    return value


_INF = float("inf")


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        names = [name for name, _ in pairs]
        duplicate = next(n for n in names if names.count(n) > 1)
        raise ValueError(f"duplicate member name {duplicate!r}")
    return obj


# Nesting deeper than this is refused before parsing: the json scanner recurses per level, and inside Pyodide a few
# thousand levels overflow the WebAssembly stack and kill the runtime instead of raising RecursionError. No real
# claim set comes close (PyJWT and python-jose tokens in the wild nest 2-3 levels).
MAX_JSON_DEPTH = 32


def _too_deep(text: str) -> bool:
    """Whether brackets outside strings nest deeper than MAX_JSON_DEPTH."""
    import re  # only for bracket-heavy input; see the note on _json below

    depth = 0
    for bracket in re.findall(r"[\[\]{}]", re.sub(r'"(?:[^"\\]|\\.)*"', "", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            return True
    return False


# The C accelerator behind the json package, used directly: `import json` drags in re and enum, about two thirds of
# core.jwt's import CPU (measured: Workers startup and the import budget). The scanner and encoder are the
# very objects json.loads/json.dumps use, so parsing and output are identical. CPython and Pyodide always ship it.
import _json  # noqa: E402 - kept beside the reason above


class _ScanContext:
    strict = True  # control characters inside strings are errors, as with json.loads
    object_hook = None
    object_pairs_hook = staticmethod(_unique_object)
    parse_float = staticmethod(_finite_float)
    parse_int = int
    parse_constant = staticmethod(_refuse_constant)
    memo: dict[str, str] = {}  # noqa: RUF012 - read once by the scanner's constructor


class _TrustingScanContext(_ScanContext):
    object_pairs_hook = None  # type: ignore[assignment] # dicts built in C, a duplicate name silently wins: see json_object


def _unserialisable(value: object) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# the stub types the constructor's argument as the scanner class itself; any object with these attributes works
_scan = _json.make_scanner(_ScanContext())  # type: ignore[arg-type]
_scan_trusting = _json.make_scanner(_TrustingScanContext())  # type: ignore[arg-type]
# Same arguments as json.dumps(separators=(",", ":"), allow_nan=False) passes to the C encoder.
_ENCODERS = {
    sort: _json.make_encoder(None, _unserialisable, _json.encode_basestring_ascii, None, ":", ",", sort, False, False)
    for sort in (False, True)
}
_WHITESPACE = " \t\n\r"  # JSON's four whitespace characters (RFC 8259 §2)


def _parse(text: str) -> Any:
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = _scan(text, start)
    except StopIteration as exc:
        raise ValueError(f"Expecting value: char {exc.value}") from None
    if text[end:].strip(_WHITESPACE):
        raise ValueError(f"Extra data: char {end}")
    return value


def json_object(data: bytes, what: str) -> dict[str, Any]:
    """Parse a segment as one JSON object: UTF-8 only, no NaN/Infinity, no duplicate member names."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedTokenError(f"Invalid {what} string: {exc}") from exc
    objects = text.count("{")
    # Two C-level counts clear nearly every real token before the costlier depth scan.
    if objects + text.count("[") > MAX_JSON_DEPTH and _too_deep(text):
        raise MalformedTokenError(f"Invalid {what} string: nested deeper than {MAX_JSON_DEPTH} levels")
    if objects == 1 and text[0] == "{":
        # Checking names in a Python hook costs a third of a claims parse, so a flat object is parsed in C and its
        # names checked by counting. One "{" means one object; each member has exactly one ":" outside strings,
        # so members <= colons, and every distinct name is a member, so names <= members: colons == names proves
        # members == names, no duplicates. Anything else (a URL's colon, nesting, an error) takes the strict parse.
        try:
            value, end = _scan_trusting(text, 0)
        except (StopIteration, ValueError):
            pass
        else:
            if end == len(text) and len(value) == text.count(":"):
                return value  # type: ignore[no-any-return]
    try:
        value = _parse(text)
    except _NumberOutOfRange as exc:
        # In the claims this is a value problem (e.g. exp: 1e999), reported like any out-of-range claim.
        error = InvalidClaimTypeError if what == "payload" else MalformedTokenError
        raise error(f"Invalid {what} string: {exc}") from exc
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise MalformedTokenError(f"Invalid {what} string: {exc}") from exc
    if not isinstance(value, dict):
        raise MalformedTokenError(f"Invalid {what} string: must be a json object")
    return value


def json_bytes(value: Any, *, sort_keys: bool) -> bytes:
    """Serialise exactly as python-jose does (compact separators, ASCII escapes) but refuse NaN/Infinity."""
    return "".join(_ENCODERS[sort_keys](value, 0)).encode("utf-8")

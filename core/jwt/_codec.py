"""Strict base64url and JSON for token segments.

python-jose decodes with ``base64.urlsafe_b64decode`` after re-padding, which silently drops characters outside
the alphabet and accepts non-zero trailing bits: one signature then has many spellings. Here a segment is accepted
only in its single canonical form (RFC 7515 §2: unpadded base64url), checked by re-encoding.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from core.jwt.exceptions import InvalidClaimTypeError, MalformedTokenError

_b64encode = base64.urlsafe_b64encode
_b64decode = base64.urlsafe_b64decode
_PADDING = (b"", b"", b"==", b"=")


def b64url_encode(data: bytes) -> bytes:
    return _b64encode(data).rstrip(b"=")


def b64url_decode(segment: bytes, what: str) -> bytes:
    """Decode an unpadded base64url segment, refusing every non-canonical spelling."""
    remainder = len(segment) % 4
    if remainder == 1:
        raise MalformedTokenError(f"Invalid {what} encoding: impossible base64url length")
    try:
        data = _b64decode(segment + _PADDING[remainder])
    except (binascii.Error, ValueError) as exc:
        raise MalformedTokenError(f"Invalid {what} encoding") from exc
    # Re-encoding catches what the decoder forgives: '=', '+', '/', junk characters, non-zero trailing bits.
    if _b64encode(data).rstrip(b"=") != segment:
        raise MalformedTokenError(f"Invalid {what} encoding: not canonical base64url")
    return data


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


_decoder = json.JSONDecoder(
    object_pairs_hook=_unique_object, parse_constant=_refuse_constant, parse_float=_finite_float
)


def json_object(data: bytes, what: str) -> dict[str, Any]:
    """Parse a segment as one JSON object: UTF-8 only, no NaN/Infinity, no duplicate member names."""
    try:
        value = _decoder.decode(data.decode("utf-8"))
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
    return json.dumps(value, separators=(",", ":"), sort_keys=sort_keys, allow_nan=False).encode("utf-8")

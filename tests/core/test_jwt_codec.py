"""core.jwt._codec: one canonical base64url spelling per segment, and strict JSON objects."""

from __future__ import annotations

import pytest

from core.jwt._codec import b64url_decode, b64url_encode, json_bytes, json_object
from core.jwt.exceptions import InvalidClaimTypeError, MalformedTokenError


@pytest.mark.parametrize("data", [b"", b"f", b"fo", b"foo", b"\xff\xfe\xfd\x00", bytes(range(256))])
def test_round_trip(data: bytes) -> None:
    """Encoding then decoding gives the original bytes, without padding in between."""
    encoded = b64url_encode(data)
    assert b"=" not in encoded
    assert b64url_decode(encoded, "x") == data


@pytest.mark.parametrize(
    "segment",
    [
        b"Zg==",  # padded
        b"Zh",  # non-zero trailing bits: a second spelling of b"f" ("Zg")
        b"+/8",  # standard alphabet
        b"Zm9v\n",  # whitespace
        b"Zm!9v",  # junk the stdlib decoder would silently drop
        b"Z",  # impossible length
        b"Zm9v.",  # stray separator
    ],
)
def test_non_canonical_segments_are_rejected(segment: bytes) -> None:
    """Anything but the single canonical unpadded base64url spelling is refused with MalformedTokenError."""
    with pytest.raises(MalformedTokenError):
        b64url_decode(segment, "x")


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": -Infinity}',
        b'{"a": 1, "a": 2}',
        b'{"a": {"b": 1, "b": 1}}',
        b"[1, 2]",
        b'"str"',
        b"null",
        b"\xff\xfe{}",
        b'{"a": "\xc3\x28"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": 1} x',
        b"",
    ],
)
def test_json_that_is_not_one_clean_object_is_rejected(text: bytes) -> None:
    """NaN/Infinity, duplicate names, non-objects, invalid UTF-8 and runaway nesting all raise MalformedTokenError."""
    with pytest.raises(MalformedTokenError):
        json_object(text, "payload")


def test_nesting_is_capped_before_parsing() -> None:
    """32 levels parse; 33 are refused before the recursive parser runs (brackets inside strings do not count)."""
    assert json_object(b'{"a": ' + b"[" * 31 + b"]" * 31 + b"}", "payload")
    assert json_object(b'{"a": "' + b"[" * 100 + b'"}', "payload") == {"a": "[" * 100}
    with pytest.raises(MalformedTokenError, match="nested deeper"):
        json_object(b'{"a": ' + b"[" * 32 + b"]" * 32 + b"}", "payload")


def test_overflowing_numbers_are_claim_errors_in_the_payload_only() -> None:
    """1e999 (valid JSON grammar, infinite as a float) is a claims error in the payload, malformed in a header."""
    with pytest.raises(InvalidClaimTypeError):
        json_object(b'{"exp": 1e999}', "payload")
    with pytest.raises(MalformedTokenError):
        json_object(b'{"x": -1e999}', "header")


def test_json_serialisation_matches_python_jose_layout() -> None:
    """Compact separators, ASCII escapes, optional key sorting — the layout python-jose signs."""
    assert json_bytes({"b": 1, "a": "é"}, sort_keys=True) == b'{"a":"\\u00e9","b":1}'
    assert json_bytes({"b": 1, "a": 2}, sort_keys=False) == b'{"b":1,"a":2}'


def test_json_serialisation_refuses_nan() -> None:
    """A NaN claim cannot be signed (it could never be decoded by a strict verifier)."""
    with pytest.raises(ValueError, match="JSON"):
        json_bytes({"exp": float("nan")}, sort_keys=False)

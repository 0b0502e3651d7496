"""passlib's ab64 encoding: round trips, and strict decoding of anything non-canonical."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.passwords._ab64 import ab64_decode, ab64_encode


@given(st.binary(max_size=100))
def test_round_trip(data: bytes) -> None:
    """Every byte string encodes to ab64 text that decodes back to it."""
    assert ab64_decode(ab64_encode(data)) == data


@given(st.binary(max_size=100))
def test_encoding_is_base64_with_dot_and_no_padding(data: bytes) -> None:
    """ab64 is standard base64 with '+' written '.', and without '=' padding."""
    assert ab64_encode(data) == base64.b64encode(data).decode().replace("+", ".").rstrip("=")


@pytest.mark.parametrize(
    "text",
    ["AA==", "A", "AAAAA", "AB", "AAA+", "AA A", "AA\n", "ÄA", "AA-_"],
)
def test_non_canonical_text_is_refused(text: str) -> None:
    """Padding, impossible lengths, non-zero unused bits, '+', whitespace and foreign characters decode to None."""
    assert ab64_decode(text) is None


@pytest.mark.parametrize(
    ("data", "text"),
    [(b"\x00\x00\x17", "AAAX"), (b"\x00\x00\x3e", "AAA."), (b"\xfb\xff", "./8"), (b"\x00", "AA"), (b"", "")],
)
def test_known_encodings(data: bytes, text: str) -> None:
    """Fixed encodings: '+' as '.', no padding, and a trailing letter (even "X") kept."""
    assert ab64_encode(data) == text
    assert ab64_decode(text) == data

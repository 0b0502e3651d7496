"""core.emails._punycode against the standard library's ``punycode`` codec (which the ``idna`` package uses).

Generated inputs: text mixing ASCII with code points from every plane for encoding; ASCII strings over the
Punycode digit alphabet (where most strings fail to decode) for decoding and for the canonical-form shortcut.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compat_tests._ids import plain_id
from core.emails import _punycode

_TEXT = st.text(
    st.one_of(
        st.characters(max_codepoint=0x7F),
        st.characters(min_codepoint=0x80, max_codepoint=0x7FF),
        st.characters(min_codepoint=0x800, max_codepoint=0xFFFF),
        st.characters(min_codepoint=0x10000),
    ),
    max_size=30,
)
_PUNYCODE = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", max_size=20)
_MANY = settings(max_examples=3000, deadline=None)


@_MANY
@given(text=_TEXT)
def test_encode_equals_the_codec(text: str) -> None:
    """encode() gives the standard library codec's output for any text, and decode() gives the text back."""
    expected = text.encode("punycode").decode("ascii")
    assert _punycode.encode(text) == expected
    assert _punycode.decode(expected) == text


def _codec_decode(text: str) -> str | None:
    try:
        return text.encode("ascii").decode("punycode")
    except UnicodeError:
        return None


@_MANY
@given(text=st.one_of(_PUNYCODE, _PUNYCODE.map(str.upper)))
def test_decode_equals_the_codec(text: str) -> None:
    """decode() gives the codec's result where the codec decodes, and raises PunycodeError where it raises."""
    expected = _codec_decode(text)
    if expected is None:
        with pytest.raises(_punycode.PunycodeError):
            _punycode.decode(text)
    else:
        assert _punycode.decode(text) == expected


@_MANY
@given(text=_PUNYCODE)
def test_is_canonical_equals_encoding_again(text: str) -> None:
    """For lower-case text the codec decodes, is_canonical() is exactly "the codec encodes the result back to it"."""
    decoded = _codec_decode(text)
    if decoded is not None:
        assert _punycode.is_canonical(text) == (decoded.encode("punycode") == text.encode("ascii"))


@pytest.mark.parametrize(("text", "punycode"), [("bücher", "bcher-kva"), ("рф", "p1ai"), ("ü", "tda")])
def test_known_labels(text: str, punycode: str) -> None:
    """Well-known IDN labels (bücher, the .рф TLD) encode to their published A-labels and back."""
    assert _punycode.encode(text) == punycode
    assert _punycode.decode(punycode) == text


# Texts at the edges the generated ones rarely hit: hyphens among the basic code points (the delimiter is the
# last one), U+0080 (the first non-basic code point) and U+10FFFF (the last code point).
_EDGES = ["a-b-ü", "-ü", "ü-", "--ü", "-a-ü", "\x80", "a\x80", "\U0010ffff", "a\U0010ffff\x80"]


@pytest.mark.parametrize("text", _EDGES, ids=plain_id)
def test_edge_texts_round_trip_like_the_codec(text: str) -> None:
    """Hyphenated basic parts, U+0080 and U+10FFFF encode as the codec does, decode back, and count as canonical."""
    expected = text.encode("punycode").decode("ascii")
    assert _punycode.encode(text) == expected
    assert _punycode.decode(expected) == text
    assert _punycode.is_canonical(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [("abc-9", "incomplete punycode string"), ("99999999999", "incomplete punycode string"),
     ("abc-!", "Invalid extended code point '!'"), ("a-\u00e9", "Punycode is ASCII"),
     ("a-99999a", "Invalid character U+245220")],
)
def test_decode_errors_say_what_the_codec_says(text: str, message: str) -> None:
    """decode() refuses what the codec refuses, in the codec's words (without its "punicode" typo)."""
    with pytest.raises(UnicodeError):
        text.encode("utf-8").decode("punycode")
    with pytest.raises(_punycode.PunycodeError) as info:
        _punycode.decode(text)
    assert str(info.value) == message

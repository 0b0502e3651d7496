"""core.jwt._codec: one canonical base64url spelling per segment, and strict JSON objects."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


_names = st.text(st.sampled_from('ab:{}"\\é,'), min_size=0, max_size=4)
_values = st.one_of(
    st.integers(), st.text(st.sampled_from('xy:{}[]",'), max_size=4), st.lists(st.text(max_size=2), max_size=2)
)


@given(members=st.lists(st.tuples(_names, _values), max_size=6), spaced=st.booleans())
def test_objects_parse_like_json_loads_unless_a_name_repeats(members: list[tuple[str, object]], spaced: bool) -> None:
    """Flat or not, colons and braces in strings or not: a JSON object parses to json.loads' dict exactly when its
    names are unique, and is refused otherwise (the flat-object fast path never lets a duplicate through)."""
    separator = ", " if spaced else ","
    text = "{" + separator.join(f"{json.dumps(name)}:{json.dumps(value)}" for name, value in members) + "}"
    names = [name for name, _ in members]
    if len(set(names)) == len(names):
        assert json_object(text.encode(), "payload") == json.loads(text)
    else:
        with pytest.raises(MalformedTokenError, match="duplicate"):
            json_object(text.encode(), "payload")


@pytest.mark.parametrize(
    "text",
    [
        b'{"a":1,"a":2}',  # flat: colons (2) outnumber the dict's names (1)
        b'{"a":"x:y","a":1}',  # a colon inside a string as well
        b'{"a":1,"b":{"c":2},"a":3}',  # nested: the strict parse
        b'{"a":1,"a":2}  ',  # trailing whitespace
    ],
)
def test_duplicate_names_are_refused_on_every_parse_path(text: bytes) -> None:
    """The counted fast path and the strict parse both refuse a repeated member name."""
    with pytest.raises(MalformedTokenError, match="duplicate"):
        json_object(text, "payload")

"""core.jwt._codec: one canonical base64url spelling per segment, and strict JSON objects."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.jwt._codec import b64url_check, b64url_decode, b64url_decode_checked, b64url_encode, json_bytes, json_object
from core.jwt.exceptions import InvalidClaimTypeError, MalformedTokenError


@pytest.mark.parametrize("data", [b"", b"f", b"fo", b"foo", b"\xff\xfe\xfd\x00", bytes(range(256)), b"\x00\x00\x17"])
def test_round_trip(data: bytes) -> None:
    """Encoding then decoding gives the original bytes, without padding in between (b"\\0\\0\\x17" encodes as
    "AAAX": only padding is stripped from the end)."""
    encoded = b64url_encode(data)
    assert encoded == base64.urlsafe_b64encode(data).rstrip(b"=")
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
        b'{"a":1,"b":{"c":2},"a":3}',  # nested objects: top-level members counted past the nested ones
        b'{"a":[{"x":1,"y":2}],"b":{"c":{"d":[1,{"e":2}]}},"a":3}',  # deeper nesting, arrays of objects
        b'{"a":"{\\"a\\":1}","a":1}',  # braces and colons in a string, with escapes
        b'{"a":1,"a":2}  ',  # trailing whitespace
        b'{"a":"XX:XX","a":1}',  # as many colons in strings as distinct names
    ],
)
def test_duplicate_names_are_refused_on_every_parse_path(text: bytes) -> None:
    """Flat or nested, a repeated top-level member name is refused whatever the rest of the object holds."""
    with pytest.raises(MalformedTokenError, match="duplicate"):
        json_object(text, "payload")


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": {"b": 1, "b": 2}}',
        b'{"a": [{"b": 1, "b": 2}], "c": {"d": {"e": 1, "e": 1}}}',
    ],
)
def test_nested_duplicates_are_left_to_json(text: bytes) -> None:
    """RFC 7515 §4 and RFC 7519 §4 require unique header parameter and claim names: the top level only. A repeat
    inside a nested value parses as json.loads does (the last one wins), as in python-jose."""
    assert json_object(text, "payload") == json.loads(text)


_json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                         st.text(st.sampled_from('a:{}[]",\\ é'), max_size=5))
_json_trees = st.recursive(_json_leaves, lambda c: st.lists(c, max_size=3) | st.dictionaries(_names, c, max_size=3),
                           max_leaves=10)


@given(members=st.lists(st.tuples(_names, _json_trees), max_size=5), spaced=st.booleans())
def test_any_object_parses_like_json_loads_unless_a_top_level_name_repeats(
    members: list[tuple[str, object]], spaced: bool
) -> None:
    """Whatever is nested inside (objects, arrays, strings full of brackets, colons and escapes, floats): an object
    parses to json.loads' result exactly when its top-level names are unique, and is refused otherwise."""
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
        b'{"a": [1e999]}',
        b'{"a": {"b": -1e999}}',
        b'{"a": [1' + b"0" * 400 + b"]}",
        b'{"a": [true, false, null, 2E+999]}',
        b'{"a": [1E999]}',
        b'{"a": [-2E+999]}',
        b'{"a": [1e0309]}',
        b'{"a": [1e-5, 1e+0000309]}',
        b'{"a": [' + b"9" * 210 + b"e99]}",
        b'{"a": [' + b"9" * 210 + b".5e99]}",
        b'{"a": [1' + b"0" * 10 + b"e299]}",
    ],
)
def test_overflowing_numbers_are_found_anywhere(text: bytes) -> None:
    """An overflowing number nested in arrays or objects, written with 309+ digits, with an exponent written with
    leading zeros or a plus, or with 210 digits before a two-digit exponent, is still out of range."""
    with pytest.raises(InvalidClaimTypeError, match="out of range"):
        json_object(text, "payload")


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": [1e308, -1e308, 1' + b"0" * 300 + b"]}",
        b'{"a": [true, false, null], "e": "1e999"}',
        b'{"a": {"b": 1.5e-999}}',
        b'{"a": [1e-999, 2.4703282292062328e-324, 1e0099, 1E-0400]}',
        b'{"a": [1' + b"0" * 209 + b"e98, 1" + b"0" * 209 + b"e99]}",
        b'{"a": [0.' + b"0" * 300 + b"1e400]}",
        b'{"a": [1' + b"0" * 9 + b"e299]}",
    ],
)
def test_large_but_finite_numbers_and_lookalikes_parse(text: bytes) -> None:
    """Numbers up to the float maximum, underflows (negative exponents of any length), 210 digits before an
    exponent that keeps them finite, a large exponent on a tiny fraction, and "1e999" inside a string are not out
    of range."""
    assert json_object(text, "payload") == json.loads(text)


@given(st.binary(max_size=64))
def test_any_segment_that_passes_the_spelling_check_decodes(data: bytes) -> None:
    """b64url_check and b64url_decode_checked together: whatever the check lets through decodes without error."""
    segment = b64url_encode(data)
    b64url_check(segment, "x")
    assert b64url_decode_checked(segment) == data


# --- messages and boundaries ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("segment", "message"),
    [
        (b"Zg==", "Invalid seg encoding: not canonical base64url"),
        (b"Z", "Invalid seg encoding: not canonical base64url"),
        (b"Zm9v!", "Invalid seg encoding: not canonical base64url"),
        (b"Zh", "Invalid seg encoding: non-zero trailing bits"),
        (b"Zm9", "Invalid seg encoding: non-zero trailing bits"),
    ],
)
def test_spelling_errors_name_the_segment_and_the_defect(segment: bytes, message: str) -> None:
    """A misspelt segment is refused with a message naming the segment (the ``what`` argument) and the defect."""
    with pytest.raises(MalformedTokenError) as caught:
        b64url_decode(segment, "seg")
    assert str(caught.value) == message


@pytest.mark.parametrize("segment", [b"", b"Zg", b"Zm8", b"Zm9v", b"-_-_", b"AQ", b"AAE"])
def test_canonical_segments_pass_the_check(segment: bytes) -> None:
    """Every canonical spelling (any length but 1 mod 4, last character with zero unused bits) is accepted."""
    b64url_check(segment, "x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b'{"a": NaN}', "Invalid payload string: NaN is not valid JSON"),
        (b'{"a": -Infinity}', "Invalid payload string: -Infinity is not valid JSON"),
        (b'{"a": [NaN]}', "Invalid payload string: NaN is not valid JSON"),
        (b"[1]", "Invalid payload string: must be a json object"),
        (b" [1] ", "Invalid payload string: must be a json object"),
        (b"", "Invalid payload string: Expecting value: char 0"),
        (b"  ", "Invalid payload string: Expecting value: char 2"),
        (b'{"a": 1} x', "Invalid payload string: Extra data: char 8"),
        (b'{"a": 1}}', "Invalid payload string: Extra data: char 8"),
        (b'{"a":1,"a":2}', "Invalid payload string: duplicate member names"),
        (b'{"a":[1],"a":2}', "Invalid payload string: duplicate member names"),
        (b"{" * 40, "Invalid payload string: unbalanced brackets"),
        (b'{"a":[' + b"[]," * 40 + b"[]}", "Invalid payload string: unbalanced brackets"),
        (b'{"a":' + b"[" * 40 + b"]" * 40 + b"}", "Invalid payload string: nested deeper than 32 levels"),
    ],
)
def test_json_errors_say_what_is_wrong(text: bytes, message: str) -> None:
    """Each way a segment fails to be one clean JSON object has its message, naming the segment."""
    with pytest.raises(MalformedTokenError) as caught:
        json_object(text, "payload")
    assert str(caught.value) == message


def test_out_of_range_numbers_are_malformed_outside_the_payload() -> None:
    """An overflowing number is an InvalidClaimTypeError only in the payload; in the header (or anything else) it
    is a MalformedTokenError, with the message naming the segment."""
    with pytest.raises(MalformedTokenError) as caught:
        json_object(b'{"x": [1e999]}', "header")
    assert type(caught.value) is MalformedTokenError
    assert str(caught.value) == "Invalid header string: a number is out of range"
    with pytest.raises(InvalidClaimTypeError, match="Invalid payload string: a number is out of range"):
        json_object(b'{"x": [1e999]}', "payload")


def _nested(depth: int, siblings: int = 1) -> bytes:
    """An object whose member a holds ``depth - 1`` nested arrays, plus ``siblings`` empty arrays beside it."""
    return b'{"a":' + b"[" * (depth - 1) + b"]" * (depth - 1) + b',"b":[' + b"[]," * (siblings - 1) + b"[]]}"


def test_nesting_cap_is_exactly_32_levels_also_when_many_brackets_are_counted() -> None:
    """With more than 32 brackets in all (so the depth scan runs), 32 levels still parse and 33 are refused."""
    assert json_object(_nested(32), "payload")["b"] == [[]]
    assert json_object(_nested(3, siblings=40), "payload")["b"] == [[]] * 40
    with pytest.raises(MalformedTokenError, match="nested deeper than 32 levels"):
        json_object(_nested(34), "payload")


def test_serialisation_errors_name_the_type() -> None:
    """A value JSON cannot hold is refused with json's own message naming its type."""
    with pytest.raises(TypeError) as caught:
        json_bytes({"a": object()}, sort_keys=False)
    assert str(caught.value) == "Object of type object is not JSON serializable"


@pytest.mark.parametrize("text", [b'{"a": 1}\x0b', b'{"a": 1}\x0c', b'{"a": 1}\xc2\xa0', b'{"a": 1}\xe2\x80\x83'])
def test_only_jsons_four_whitespace_characters_may_follow_the_object(text: bytes) -> None:
    """After the object only space, tab, CR and LF are allowed (RFC 8259 §2); any other Unicode whitespace is extra
    data, as json.loads says."""
    with pytest.raises(ValueError, match="Extra data"):
        json.loads(text)
    with pytest.raises(MalformedTokenError, match="Extra data"):
        json_object(text, "payload")
    assert json_object(b'{"a": 1} \t\r\n', "payload") == {"a": 1}


def test_thirty_two_brackets_are_parsed_not_scanned_for_depth() -> None:
    """32 brackets in all are within the cap: malformed JSON of that size gets the parser's own message."""
    with pytest.raises(MalformedTokenError) as caught:
        json_object(b"{" * 32, "payload")
    assert str(caught.value).startswith("Invalid payload string: Expecting property name enclosed in double quotes")

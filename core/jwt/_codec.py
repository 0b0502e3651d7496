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
    from collections.abc import Callable
    from typing import Any, NoReturn


_PADDING = (b"", b"", b"==", b"=")
_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# With 2 or 3 characters in the last quantum, the final character carries 4 or 2 unused bits that a canonical
# encoder leaves zero; these are the only characters allowed there.
_CANONICAL_LAST = {2: frozenset(_ALPHABET[::16]), 3: frozenset(_ALPHABET[::4])}


_STANDARD_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")


def b64url_encode(data: bytes) -> bytes:
    return binascii.b2a_base64(data, newline=False).translate(_STANDARD_TO_URLSAFE).rstrip(b"=")


def b64url_check(segment: bytes, what: str) -> None:
    """Refuse every spelling of ``segment`` but the canonical unpadded base64url one, without decoding it.

    Alphabet and length are checked up front and the unused trailing bits must be zero, which together make
    the spelling unique without re-encoding (this sits on the hot path of every request).
    """
    remainder = len(segment) % 4
    if remainder == 1 or segment.translate(None, _ALPHABET):  # anything left after deleting the alphabet
        raise MalformedTokenError(f"Invalid {what} encoding: not canonical base64url")
    if remainder and segment[-1] not in _CANONICAL_LAST[remainder]:
        raise MalformedTokenError(f"Invalid {what} encoding: non-zero trailing bits")


def b64url_decode_checked(segment: bytes) -> bytes:
    """Decode a segment that ``b64url_check`` has passed (decoding cannot fail then)."""
    return binascii.a2b_base64(segment.translate(_URLSAFE_TO_STANDARD) + _PADDING[len(segment) % 4])


def b64url_decode(segment: bytes, what: str) -> bytes:
    """Decode an unpadded base64url segment, refusing every non-canonical spelling (``b64url_check``)."""
    b64url_check(segment, what)
    return b64url_decode_checked(segment)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_INF = float("inf")
_INFINITIES = frozenset((_INF, -_INF))


# Nesting deeper than this is refused before parsing: the json scanner recurses per level, and inside Pyodide a few
# thousand levels overflow the WebAssembly stack and kill the runtime instead of raising RecursionError. No real
# claim set comes close (PyJWT and python-jose tokens in the wild nest 2-3 levels).
MAX_JSON_DEPTH = 32

# Everything but brackets goes, and both bracket kinds become one: nesting depth does not depend on which kind.
_BRACKETS_ONLY = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


def _outside_strings(data: bytes) -> bytes:
    """The bytes of a JSON text that lie outside its strings, in C-level passes (linear, no regex).

    Escapes go first, pairing backslashes from the left as a JSON string does, so that every '"' left delimits a
    string; the pieces between delimiters then alternate outside/inside, and an unclosed string's tail is dropped.
    Exact on UTF-8: '"' and the backslash never occur inside a multi-byte sequence.
    """
    return b"".join(data.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')[::2])


def _nesting_problem(outside: bytes) -> str | None:
    """Why a JSON text cannot be handed to the recursive scanner, or None: its brackets outside strings
    (``outside``, from ``_outside_strings``) nested deeper than MAX_JSON_DEPTH, or unbalanced (then it is not JSON).

    Linear in ``len(data)`` and all in C-level bytes operations, because it runs on attacker-chosen headers before
    any signature check: ``_outside_strings``, then at most MAX_JSON_DEPTH passes of ``bytes.replace`` over what
    is left (no regex: backtracking over an unclosed string is quadratic).
    """
    brackets = outside.translate(_BRACKETS_ONLY, _NOT_BRACKETS)
    # Each pass deletes every innermost "[]" pair, so balanced brackets of depth d vanish in exactly d passes.
    for _ in range(MAX_JSON_DEPTH):
        if not brackets:
            return None
        reduced = brackets.replace(b"[]", b"")
        if len(reduced) == len(brackets):
            return "unbalanced brackets"
        brackets = reduced
    return f"nested deeper than {MAX_JSON_DEPTH} levels" if brackets else None


# The C accelerator behind the json package, used directly: `import json` drags in re and enum, ~5.4 ms of CPU on
# CPython 3.11 where all of core.jwt without it costs ~2.2 ms (fresh `python -c` processes, bench/_coldstart.py;
# the import core.jwt budget). The scanner and encoder are the
# very objects json.loads/json.dumps use, so parsing and output are identical. CPython and Pyodide always ship it.
import _json  # noqa: E402 - kept beside the reason above


class _ScanContext:
    """The scanner's settings: no Python callback runs per value, so parsing costs C time only.

    Floats are parsed by ``float`` itself and integers by ``int`` (the scanner's built-in paths; a Python
    ``parse_float`` would run once per number an anonymous caller writes into a header). What those callbacks
    used to check is checked once afterwards (``json_object``): duplicate names and out-of-range numbers.
    """

    strict = True  # control characters inside strings are errors, as with json.loads
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = staticmethod(_refuse_constant)  # only ever sees NaN / Infinity / -Infinity, and refuses them
    memo: dict[str, str] = {}  # noqa: RUF012 - read once by the scanner's constructor


def _unserialisable(value: object) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# the stub types the constructor's argument as the scanner class itself; any object with these attributes works
_scan = _json.make_scanner(_ScanContext())  # type: ignore[arg-type]
# Same arguments as json.dumps(separators=(",", ":"), allow_nan=False) passes to the C encoder.
_ENCODERS = {
    sort: _json.make_encoder(None, _unserialisable, _json.encode_basestring_ascii, None, ":", ",", sort, False, False)
    for sort in (False, True)
}
_WHITESPACE = " \t\n\r"  # JSON's four whitespace characters (RFC 8259 §2)


def _parse(text: str, scan: Callable[[str, int], tuple[Any, int]]) -> Any:
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = scan(text, start)
    except StopIteration as exc:
        raise ValueError(f"Expecting value: char {exc.value}") from None
    if text[end:].strip(_WHITESPACE):
        raise ValueError(f"Extra data: char {end}")
    return value


def _brackets(data: bytes, what: str) -> tuple[int, int]:
    """How many '{' and '[' the segment holds, once nesting deeper than the scanner can take has been refused."""
    objects = data.count(b"{")
    arrays = data.count(b"[")
    # Two C-level counts clear nearly every real token before the costlier depth scan.
    if objects + arrays > MAX_JSON_DEPTH:
        problem = _nesting_problem(_outside_strings(data))
        if problem:
            raise MalformedTokenError(f"Invalid {what} string: {problem}")
    return objects, arrays


def json_object(data: bytes, what: str) -> dict[str, Any]:
    """Parse a segment as one JSON object: UTF-8 only, no NaN/Infinity, no duplicate member names.

    Linear in ``len(data)`` and done in C-level passes whatever the input: it parses headers before any signature
    is checked. The scanner builds the dicts itself (a duplicate name silently wins there), so duplicates and
    overflowing numbers are looked for afterwards, by the cheapest exact test for the shape at hand.
    """
    objects, arrays = _brackets(data, what)
    try:
        text = data.decode("utf-8")
        if text[:1] == "{":  # the common case, no surrounding whitespace, skips _parse's stripping (hot path)
            value, end = _scan(text, 0)
            if end != len(text):
                value = _parse(text, _scan)
        else:
            value = _parse(text, _scan)
    except StopIteration as exc:
        raise MalformedTokenError(f"Invalid {what} string: Expecting value: char {exc.value}") from None
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise MalformedTokenError(f"Invalid {what} string: {exc}") from exc
    if value.__class__ is not dict:
        raise MalformedTokenError(f"Invalid {what} string: must be a json object")
    if objects == 1:
        # One "{" is one object, with exactly one ":" outside strings per member; its distinct names are
        # len(value). Colons anywhere >= colons outside strings >= members >= names, so the first count usually
        # settles it.
        if len(value) != data.count(b":") and len(value) != _outside_strings(data).count(b":"):
            raise MalformedTokenError(f"Invalid {what} string: duplicate member names")
        if not arrays:  # flat: every number is a value of this one dict
            # values are scalars, all hashable: a set lookup each, where `in` would compare each one with inf
            if not _INFINITIES.isdisjoint(value.values()):
                _out_of_range(what)
            return value
    elif _has_duplicates(text, len(value)):
        raise MalformedTokenError(f"Invalid {what} string: duplicate member names")
    if _overflows(_outside_strings(data)):
        _out_of_range(what)
    return value


class _PairsContext(_ScanContext):
    # tuple is a C type: each object stays the tuple of its (name, value) pairs, duplicates and all
    object_pairs_hook = tuple  # type: ignore[assignment]


_scan_pairs = _json.make_scanner(_PairsContext())  # type: ignore[arg-type]


def json_header(data: bytes) -> dict[str, Any]:
    """The top-level members of a JOSE header, as strictly checked as ``json_object`` but in one C scan, except for
    the numbers nested in it.

    This is what decode reads before the signature is verified (alg, crit), so it is the one parse an anonymous
    caller can make expensive: nested objects are left as tuples of their (name, value) pairs instead of being
    built into dicts and scanned again. ``get_unverified_header`` parses fully, with ``json_object``.

    A flat header's numbers are checked for overflow (a set lookup); a nested header's are not: that check converts
    each candidate literal again, the one step whose cost grows with their count (sixty ``1e100`` in a list), so
    decode makes it with ``overflowing_numbers`` once the signature matches. Nothing decided before that (alg, crit)
    reads a nested number.
    """
    objects, arrays = _brackets(data, "header")
    if objects == 1 and not arrays:  # flat, as nearly every header is: the checks json_object makes
        return json_object(data, "header")
    try:
        members = _parse(data.decode("utf-8"), _scan_pairs)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise MalformedTokenError(f"Invalid header string: {exc}") from exc
    if members.__class__ is not tuple:  # only an object parses to a tuple here
        raise MalformedTokenError("Invalid header string: must be a json object")
    header = dict(members)
    if len(header) != len(members):
        raise MalformedTokenError("Invalid header string: duplicate member names")
    return header


def overflowing_numbers(data: bytes) -> None:
    """Refuse a header whose numbers overflow a float: the check ``json_header`` leaves out of a nested header."""
    if _overflows(_outside_strings(data)):
        _out_of_range("header")


class _CountingContext(_ScanContext):
    # len is a C function: each object becomes its number of members, nested ones included, with no Python frame
    object_pairs_hook = len  # type: ignore[assignment]


# the stub types the constructor's argument as the scanner class itself; any object with these attributes works
_scan_member_count = _json.make_scanner(_CountingContext())  # type: ignore[arg-type]


def _has_duplicates(text: str, names: int) -> bool:
    """Whether the top-level object in ``text`` (parsed into ``names`` distinct names) repeats a name: a second C
    scan, with every object replaced by its member count, gives the top level's members."""
    return _parse(text, _scan_member_count) != names  # type: ignore[no-any-return]


# For the exact check only: the literals outside strings, one per whitespace-separated word once separators are
# blanked and true/false/null removed.
_SEPARATORS_TO_SPACE = bytes.maketrans(b",:[]{}\t\n\r", b"         ")
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
_LONG_INTEGER_PART = b"0" * 210  # 210 digits in a row, once every digit reads 0
# A positive exponent of 100 or more, searched in the text without its '+' signs (a '-' after the e stays, so
# negative exponents never match); with re, imported on first use (keeps re off core.jwt's import).
_LARGE_EXPONENT = rb"[eE]0*[1-9][0-9]{2}"


def _overflows(outside: bytes) -> bool:
    """Whether a number literal in this out-of-strings text overflows a float (1e999 is valid JSON grammar).

    A literal with d integer digits and exponent e is below 10**(d + e), and the float maximum is ~1.8e308: it can
    overflow only with a positive exponent of 100 or more, or with 210 integer digits or more (d >= 309 - e, and
    e <= 99 otherwise). Both are looked for in C-level passes; only then are the literals converted (in C too).
    """
    if _LONG_INTEGER_PART not in outside.translate(_DIGITS_AS_ZERO):
        if b"e" not in outside and b"E" not in outside:
            return False
        import re

        if re.search(_LARGE_EXPONENT, outside.translate(None, b"+")) is None:
            return False
    words = outside.translate(_SEPARATORS_TO_SPACE).replace(b"true", b" ").replace(b"false", b" ")
    return _INF in map(abs, map(float, words.replace(b"null", b" ").split()))


def _out_of_range(what: str) -> NoReturn:
    # In the claims this is a value problem (e.g. exp: 1e999), reported like any out-of-range claim.
    error = InvalidClaimTypeError if what == "payload" else MalformedTokenError
    raise error(f"Invalid {what} string: a number is out of range")


def json_bytes(value: Any, *, sort_keys: bool) -> bytes:
    """Serialise exactly as python-jose does (compact separators, ASCII escapes) but refuse NaN/Infinity."""
    return "".join(_ENCODERS[sort_keys](value, 0)).encode("utf-8")

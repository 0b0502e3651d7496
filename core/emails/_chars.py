"""Character classes of RFC 5322 / RFC 6531 and the Unicode safety rules email-validator 2.4 applies.

Plain ``frozenset`` / ``str`` tests instead of regular expressions: ``import re`` (with the ``enum`` and
``functools`` it loads) costs ~4.4 ms of CPU on CPython 3.11, over half of this package's 8 ms import budget
(fresh ``python -c`` processes against ``python -c pass``, as bench/_coldstart.py measures).
"""

from __future__ import annotations

import unicodedata

from core._cache import BoundedCache
from core.emails._errors import EmailNotValidError

_LETTERS_DIGITS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# RFC 5322 3.2.3 atext: the ASCII characters allowed in an unquoted local part (between dots).
ATEXT = frozenset(_LETTERS_DIGITS + "_!#$%&'*+-/=?^`{|}~")
ATEXT_DOT = ATEXT | {"."}
# RFC 952 / RFC 1123 2.1 hostname characters (letters, digits, hyphen) plus the label separator.
HOSTNAME_CHARS = frozenset(_LETTERS_DIGITS + "-.")
ASCII_LETTERS = frozenset(_LETTERS_DIGITS[:52])


def is_qtext_intl(c: str) -> bool:
    """RFC 5321 4.1.2 quoted-string characters (printable ASCII, space) extended by RFC 6531 3.3."""
    return " " <= c <= "~" or c >= "\x80"


def is_dot_atom(text: str, intl: bool) -> bool:
    """RFC 5322 3.2.3 dot-atom-text: atext runs separated by single dots (non-ASCII allowed when ``intl``)."""
    if not text or text[0] == "." or text[-1] == "." or ".." in text:
        return False
    if intl:
        return all(c in ATEXT_DOT or c >= "\x80" for c in text)
    return ATEXT_DOT.issuperset(text)


def is_ascii_hostname(domain: str) -> bool:
    """RFC 952 / RFC 1123 2.1: ASCII labels of letters, digits and inner hyphens, separated by single dots."""
    if not HOSTNAME_CHARS.issuperset(domain):
        return False
    return all(label and label[0] != "-" and label[-1] != "-" for label in domain.split("."))


def display(c: str) -> str:
    """How email-validator names a character in an error message: quoted if printable, else its Unicode name."""
    if c == "\\":
        return f'"{c}"'
    if unicodedata.category(c)[0] in "LNPS":
        return repr(c)
    h = f"U+{ord(c):04x}".upper() if ord(c) < 0xFFFF else f"U+{ord(c):08x}".upper()
    return unicodedata.name(c, h)


def displays(chars: list[str]) -> str:
    """The sorted, de-duplicated display names of some characters, comma separated."""
    return ", ".join(sorted({display(c) for c in chars}))


def check_unsafe_chars(s: str, allow_space: bool = False) -> None:
    """Refuse code points that are unsafe or meaningless in an address (email-validator's check_unsafe_chars).

    Letters, numbers, punctuation and symbols pass; marks pass except first (they would combine with whatever
    precedes the address); spaces only in quoted local parts; line/paragraph separators, controls, format (bidi
    overrides), surrogates, private use and unassigned code points never.
    """
    if s.isascii() and (allow_space or " " not in s) and s.isprintable():
        return
    bad: set[str] = set()
    # Each distinct character is classified once; only the first one's position matters (a leading mark).
    for c in set(s):
        if "!" <= c <= "~":  # printable ASCII other than space: punctuation, symbols, letters, digits
            continue
        category = unicodedata.category(c)
        if category[0] in "LNPSM" or (category == "Zs" and allow_space):
            continue
        bad.add(c)
    if s and unicodedata.category(s[0])[0] == "M":
        bad.add(s[0])
    if bad:
        raise EmailNotValidError(
            "The email address contains unsafe characters: " + ", ".join(display(c) for c in sorted(bad)) + "."
        )


# Per-code-point verdicts of uts46_valid_char, bounded so hostile input cannot grow them.
_UTS46_VALID: BoundedCache[str, bool] = BoundedCache(4096)


def clear_caches() -> None:
    """Forget the memoised UTS #46 validity of each code point (part of _domain.clear_caches)."""
    _UTS46_VALID.clear()


def uts46_invalid_chars(text: str) -> list[str]:
    """The distinct non-ASCII characters of ``text`` that fail uts46_valid_char (memoised per code point)."""
    bad = []
    for c in set(text):
        if c < "\x80":
            continue
        ok = _UTS46_VALID.get(c)
        if ok is None:
            ok = _UTS46_VALID.put(c, uts46_valid_char(c))
        if not ok:
            bad.append(c)
    return bad


def invalid_hostname_chars(text: str) -> list[str]:
    """The distinct characters of ``text`` that are neither RFC 952 hostname characters nor non-ASCII."""
    if HOSTNAME_CHARS.issuperset(text):
        return []
    return [c for c in set(text).difference(HOSTNAME_CHARS) if c < "\x80"]


def uts46_valid_char(char: str) -> bool:
    """email-validator's pre-filter of characters UTS #46 mapping would reject (same rules, same ranges)."""
    c = ord(char)
    if 0x80 <= c <= 0x9F:
        return False
    if (
        (0x2010 <= c <= 0x2060 and not 0x2024 <= c <= 0x2026 and not 0x2028 <= c <= 0x202E)
        or c in (0x00AD, 0x2064, 0xFF0E)
        or 0x200B <= c <= 0x200D
        or 0x1BCA0 <= c <= 0x1BCA3
    ):
        return True
    if unicodedata.category(char) in ("Cf", "Cn", "Co", "Cs", "Zs", "Zl", "Zp"):
        return False
    return "002E" not in unicodedata.decomposition(char).split(" ")


def length_reason(text: str, limit: int) -> str:
    """'(N character(s) too many)' as email-validator words it."""
    diff = len(text) - limit
    return f"({diff} character{'s' if diff > 1 else ''} too many)"

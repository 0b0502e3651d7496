"""IDNA 2008 label rules from ``unicodedata``: RFC 5892 code point classes and contextual rules, RFC 5893 Bidi.

Split from _idna.py (the UTS #46 mapping and the A-label/U-label conversions) to keep each module to one concern.
Error texts are the ``idna`` package's, since email-validator puts them in its messages.
"""

from __future__ import annotations

import unicodedata

from core._cache import BoundedCache

# Per-code-point results are memoised: unicodedata work dominates the cost of an internationalised address.
# The caches are bounded at this size, so hostile input cannot grow them.
CACHE_LIMIT = 4096
_LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_CLASS_CACHE: BoundedCache[str, str] = BoundedCache(CACHE_LIMIT)
# UTS #46 "ignored" characters (mapped to nothing) among those email-validator's pre-filters let through:
# default-ignorable marks and variation selectors, and the Hangul / Khmer fillers.
IGNORED = frozenset(
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u200b\u2060\u2064\u3164\ufeff\uffa0"
    + "".join(map(chr, range(0x180B, 0x1810)))
    + "".join(map(chr, range(0xFE00, 0xFE10)))
)
_IGNORED_RANGES = ((0x1BCA0, 0x1BCA3), (0xE0100, 0xE01EF))


class IdnaError(ValueError):
    """An IDNA rule failed; always caught and re-raised as EmailNotValidError with this text inside."""


def unot(cp: int) -> str:
    return f"U+{cp:04X}"


def ignored(c: str) -> bool:
    return c in IGNORED or (c >= "\U0001bca0" and any(lo <= ord(c) <= hi for lo, hi in _IGNORED_RANGES))


def clear_caches() -> None:
    """Forget every memoised per-code-point result (benchmarks start each round cold)."""
    _CLASS_CACHE.clear()


# RFC 5892 section 2.6 exceptions (F).
_EXCEPTIONS = {
    **dict.fromkeys((0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007), "PVALID"),
    **dict.fromkeys((0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB, *range(0x0660, 0x066A), *range(0x06F0, 0x06FA)),
                    "CONTEXTO"),
    **dict.fromkeys((0x0640, 0x07FA, 0x302E, 0x302F, *range(0x3031, 0x3036), 0x303B), "DISALLOWED"),
}
# RFC 5892 section 2.4 IgnorableBlocks (D) and 2.9 OldHangulJamo (I).
_DISALLOWED_RANGES = ((0x20D0, 0x20FF), (0x1D100, 0x1D24F), (0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))
# RFC 5892 section 2.1 LetterDigits (A).
_LETTER_DIGITS = frozenset(("Ll", "Lu", "Lo", "Nd", "Lm", "Mn", "Mc"))


def codepoint_class(c: str) -> str:
    """The RFC 5892 derived property of one code point: PVALID, CONTEXTJ, CONTEXTO or DISALLOWED."""
    if c < "\x80":
        return "PVALID" if c.islower() or c.isdigit() or c == "-" else "DISALLOWED"
    kind = _CLASS_CACHE.get(c)
    if kind is None:
        kind = _CLASS_CACHE.put(c, _derive_class(c))
    return kind


def _derive_class(c: str) -> str:
    cp = ord(c)
    if cp in _EXCEPTIONS:
        return _EXCEPTIONS[cp]
    if cp in (0x200C, 0x200D):
        return "CONTEXTJ"
    category = unicodedata.category(c)
    # RFC 5892 section 2.3 IgnorableProperties (C): default-ignorable code points.
    if category not in _LETTER_DIGITS or ignored(c) or any(lo <= cp <= hi for lo, hi in _DISALLOWED_RANGES):
        return "DISALLOWED"
    # RFC 5892 section 2.2 Unstable (B): changed by NFKC_Casefold.
    if unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", c).casefold()) != c:
        return "DISALLOWED"
    return "PVALID"


_BIDI_RTL = frozenset(("R", "AL", "AN"))
_BIDI_RTL_ALLOWED = frozenset(("R", "AL", "AN", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"))
_BIDI_RTL_ENDING = frozenset(("R", "AL", "EN", "AN"))
_BIDI_LTR_ALLOWED = frozenset(("L", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"))
_BIDI_LTR_ENDING = frozenset(("L", "EN"))


def check_bidi(label: str, check_ltr: bool = False) -> None:
    """RFC 5893 section 2, the Bidi rule, for one label (applied when it has RTL characters or ``check_ltr``)."""
    if not check_ltr:
        # Most labels have no right-to-left character: decided on the distinct characters' directions.
        distinct = {unicodedata.bidirectional(c) for c in set(label)}
        if "" not in distinct and _BIDI_RTL.isdisjoint(distinct):
            return
    directions = [unicodedata.bidirectional(c) for c in label]
    if "" in directions:
        idx = directions.index("") + 1
        raise IdnaError(f"Unknown directionality in label {label!r} at position {idx}")
    if not check_ltr and _BIDI_RTL.isdisjoint(directions):
        return
    if directions[0] in ("R", "AL"):
        rtl = True
    elif directions[0] == "L":
        rtl = False
    else:
        raise IdnaError(f"First codepoint in label {label!r} must be directionality L, R or AL")
    allowed, ending = (_BIDI_RTL_ALLOWED, _BIDI_RTL_ENDING) if rtl else (_BIDI_LTR_ALLOWED, _BIDI_LTR_ENDING)
    valid_ending = False
    number_type = ""
    for idx, direction in enumerate(directions, 1):
        if direction not in allowed:
            side = "right-to-left" if rtl else "left-to-right"
            raise IdnaError(f"Invalid direction for codepoint at position {idx} in a {side} label")
        if direction in ending:
            valid_ending = True
        elif direction != "NSM":
            valid_ending = False
        if rtl and direction in ("AN", "EN"):
            if not number_type:
                number_type = direction
            elif number_type != direction:
                raise IdnaError("Can not mix numeral types in a right-to-left label")
    if not valid_ending:
        raise IdnaError("Label ends with illegal codepoint directionality")


# Han-script letters whose names do not start with "CJK" (the iteration marks and ideographic zero).
_HAN_EXTRA = frozenset("\u3005\u3007\U00016fe3\U00016ff0\U00016ff1")


def _script_of(c: str) -> str:
    # unicodedata has no Script property; the character name starts with the script for the few scripts that
    # RFC 5892 appendix A's CONTEXTO rules name (Greek, Hebrew, Hiragana, Katakana, Han). Checked against idna's
    # script tables over every PVALID code point: these exceptions close every difference.
    name = unicodedata.name(c, "")
    if name.startswith("CJK ") or c in _HAN_EXTRA:
        return "Han"
    if name.startswith("HENTAIGANA "):
        return "Hiragana"
    return name.split(" ", 1)[0].capitalize()


def _valid_contextj(label: str, pos: int) -> bool:
    # RFC 5892 appendix A.1/A.2: ZWNJ/ZWJ after a virama (canonical combining class 9). The ZWNJ joining-type
    # alternative needs ArabicShaping data that unicodedata lacks: refused (listed in docs/compatibility.md).
    return pos > 0 and unicodedata.combining(label[pos - 1]) == 9


def _valid_contexto(label: str, pos: int) -> bool:
    cp = ord(label[pos])
    if cp == 0x00B7:  # A.3 MIDDLE DOT between two "l" (Catalan)
        return 0 < pos < len(label) - 1 and label[pos - 1] == "l" and label[pos + 1] == "l"
    if cp == 0x0375:  # A.4 Greek lower numeral sign, followed by Greek
        return pos < len(label) - 1 and _script_of(label[pos + 1]) == "Greek"
    if cp in (0x05F3, 0x05F4):  # A.5/A.6 Hebrew geresh/gershayim, preceded by Hebrew
        return pos > 0 and _script_of(label[pos - 1]) == "Hebrew"
    if cp == 0x30FB:  # A.7 Katakana middle dot, with some Hiragana/Katakana/Han in the label
        return any(c != "\u30fb" and _script_of(c) in ("Hiragana", "Katakana", "Han") for c in label)
    if 0x0660 <= cp <= 0x0669:  # A.8 Arabic-Indic digits not mixed with extended ones
        return not any("\u06f0" <= c <= "\u06f9" for c in label)
    if 0x06F0 <= cp <= 0x06F9:  # A.9 the converse
        return not any("\u0660" <= c <= "\u0669" for c in label)
    return False


def check_label(label: str) -> None:
    """RFC 5891 section 4.2 / 5.4 checks of one U-label, in ``idna.check_label``'s order and words."""
    if not label:
        raise IdnaError("Empty Label")
    if label.isascii() and _LDH.issuperset(label):
        # Lower-case letters, digits and hyphens: all PVALID, NFC, left-to-right; only the hyphen rules apply.
        if label[2:4] == "--":
            raise IdnaError("Label has disallowed hyphens in 3rd and 4th position")
        if label[0] == "-" or label[-1] == "-":
            raise IdnaError("Label must not start or end with a hyphen")
        return
    if len(label) > 254:
        raise IdnaError("Label too long")
    if not unicodedata.is_normalized("NFC", label):
        raise IdnaError("Label must be in Normalization Form C")
    if label[2:4] == "--":
        raise IdnaError("Label has disallowed hyphens in 3rd and 4th position")
    if label[0] == "-" or label[-1] == "-":
        raise IdnaError("Label must not start or end with a hyphen")
    if unicodedata.category(label[0])[0] == "M":
        raise IdnaError("Label begins with an illegal combining character")
    # Usually every code point is PVALID: decided on the distinct ones; else find the first offender in order.
    if any(codepoint_class(c) != "PVALID" for c in set(label)):
        _check_classes(label)
    check_bidi(label)


def _check_classes(label: str) -> None:
    for pos, c in enumerate(label):
        kind = codepoint_class(c)
        if kind == "PVALID":
            continue
        if kind == "CONTEXTJ":
            if not _valid_contextj(label, pos):
                raise IdnaError(f"Joiner {unot(ord(c))} not allowed at position {pos + 1} in {label!r}")
        elif kind == "CONTEXTO":
            if not _valid_contexto(label, pos):
                raise IdnaError(f"Codepoint {unot(ord(c))} not allowed at position {pos + 1} in {label!r}")
        else:
            raise IdnaError(f"Codepoint {unot(ord(c))} at position {pos + 1} of {label!r} not allowed")



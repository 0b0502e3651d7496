"""IDNA for email domains in the standard library: UTS #46 mapping and IDNA 2008 (RFC 5891-5893) label checks.

email-validator uses the ``idna`` package (IDNA 2008 + UTS #46, with its own Unicode tables). Python's
``encodings.idna`` is IDNA 2003 (nameprep, Unicode 3.2), which would accept symbols and map ``ß`` to ``ss``; so
this module derives what ``idna`` decides from ``unicodedata`` instead:

- UTS #46 mapping = NFKC_Casefold per character (UTS #46 section 5 derives its table from it), with the
  deviations kept (non-transitional processing) and the handful of exceptions listed below. Checked against
  ``idna.uts46_remap`` over every code point email-validator lets through: these lists close every difference.
- IDNA 2008 code point classes derived per RFC 5892 section 3 from the general category and normalisation
  properties, with RFC 5892 section 2.6's exception table.
- The Bidi rule (RFC 5893) and the CONTEXTJ/CONTEXTO rules (RFC 5892 appendix A) from ``unicodedata``.

The rules themselves (code point classes, CONTEXTJ/CONTEXTO, Bidi) live in _idna_rules.py; Punycode in
_punycode.py.

What remains different (Unicode version of ``unicodedata`` vs ``idna``'s tables, joining types) is listed in
docs/compatibility.md. Error texts are ``idna``'s, since email-validator puts them in its messages.
"""

from __future__ import annotations

import unicodedata

from core._cache import BoundedCache
from core.emails import _idna_rules, _punycode
from core.emails._idna_rules import CACHE_LIMIT, IdnaError, check_bidi, check_label, codepoint_class, ignored, unot

__all__ = ["IdnaError", "alabel", "check_bidi", "check_label", "codepoint_class", "encode", "ulabel", "uts46_remap"]

_ACE_PREFIX = "xn--"
# RFC 1035 2.3.1: 63 octets per label.
_MAX_LABEL = 63

# UTS #46 "deviation" characters, kept by non-transitional processing (what idna >= 3 and email-validator use).
_DEVIATIONS = frozenset("\u00df\u03c2\u200c\u200d")
# Mappings where UTS #46 departs from NFKC_Casefold: capital sharp s keeps its sharpness; the ideographic full
# stops are label separators (UTS #46 section 4.1).
_SPECIAL_MAPPINGS = {"\u1e9e": "\u00df", "\u3002": ".", "\uff61": "."}
# UTS #46 "disallowed" code points that pass email-validator's pre-filters: ideographic description characters,
# vertical-form punctuation and the object / replacement characters.
_UTS46_DISALLOWED = frozenset("\ufe12\ufe19\ufe30\ufffc\ufffd" + "".join(map(chr, range(0x2FF0, 0x3000))))
# str.translate table lower-casing ASCII only (str.lower would also change non-ASCII characters).
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_MAP_CACHE: BoundedCache[str, str] = BoundedCache(CACHE_LIMIT)


def clear_caches() -> None:
    """Forget every memoised per-code-point result (benchmarks start each round cold)."""
    _MAP_CACHE.clear()
    _idna_rules.clear_caches()


def _map_char(c: str) -> str:
    """The UTS #46 mapping of one non-ASCII, non-disallowed code point ("" when ignored)."""
    if c in _DEVIATIONS:
        return c
    if ignored(c):
        return ""
    if c in _SPECIAL_MAPPINGS:
        return _SPECIAL_MAPPINGS[c]
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", c).casefold())


def uts46_remap(domain: str) -> str:
    """UTS #46 mapping (UseSTD3ASCIIRules=false, non-transitional), then NFC, as ``idna.uts46_remap``."""
    if domain.isascii():
        return domain.lower()
    table: dict[int, str | int] = dict(_ASCII_LOWER)
    disallowed = []
    for c in set(domain):
        if c < "\x80":
            continue
        mapped = _MAP_CACHE.get(c)
        if mapped is None:
            if c in _UTS46_DISALLOWED:
                disallowed.append(c)
                continue
            mapped = _MAP_CACHE.put(c, _map_char(c))
        table[ord(c)] = mapped
    if disallowed:
        pos = min(domain.index(c) for c in disallowed)
        raise IdnaError(f"Codepoint {unot(ord(domain[pos]))} not allowed at position {pos + 1} in {domain!r}")
    return unicodedata.normalize("NFC", domain.translate(table))


def ulabel(label: str, known: dict[str, str] | None = None) -> str:
    """An ASCII label to its U-label (``idna.ulabel``): A-labels decoded and checked to be canonical.

    ``known``, when given, records U-label -> A-label for each label checked here: alabel() of the result is
    proven to give the label back (canonical Punycode of a checked, non-ASCII U-label, or a checked LDH label of at
    most 63 characters), so encode() need not redo it.
    """
    lowered = label.lower()
    if not lowered.startswith(_ACE_PREFIX):
        check_label(lowered)
        if known is not None and len(lowered) <= _MAX_LABEL:
            known[lowered] = lowered
        return lowered
    body = lowered[len(_ACE_PREFIX):]
    if not body:
        raise IdnaError("Malformed A-label, no Punycode eligible content found")
    if body.endswith("-"):
        raise IdnaError("A-label must not end with a hyphen")
    try:
        decoded = _punycode.decode(body)
    except _punycode.PunycodeError as exc:
        raise IdnaError("Invalid A-label") from exc
    if not _punycode.is_canonical(body):
        raise IdnaError("A-label is not the canonical Punycode encoding of its U-label")
    check_label(decoded)
    if known is not None and len(lowered) <= _MAX_LABEL and not decoded.isascii():
        known[decoded] = lowered
    return decoded


def alabel(label: str) -> str:
    """One label to its A-label (``idna.alabel``): ASCII labels are checked as U-labels of themselves."""
    if label.isascii():
        ulabel(label)
        if len(label) > _MAX_LABEL:
            raise IdnaError("Label too long")
        return label
    check_label(label)
    encoded = _ACE_PREFIX + _punycode.encode(label)
    if len(encoded) > _MAX_LABEL:
        raise IdnaError("Label too long")
    return encoded


def encode(domain: str, known: dict[str, str]) -> str:
    """A Unicode domain to ASCII, label by label (``idna.encode``, no UTS #46 mapping).

    ``known`` maps U-labels to the A-labels this validation just made from them (checked, so not redone).
    """
    for dot in "\u3002\uff0e\uff61":
        domain = domain.replace(dot, ".")
    encoded = ".".join(known.get(label) or alabel(label) for label in domain.split("."))
    if len(encoded) > 253:
        raise IdnaError("Domain too long")
    return encoded

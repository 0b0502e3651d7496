"""The part after the @-sign: a domain name (RFC 952/1123/5321, IDNA via UTS #46) or a bracketed IP literal."""

from __future__ import annotations

import unicodedata

from core._cache import BoundedCache
from core.emails import _chars, _idna
from core.emails._chars import (
    ASCII_LETTERS,
    check_unsafe_chars,
    displays,
    invalid_hostname_chars,
    is_ascii_hostname,
    length_reason,
    uts46_invalid_chars,
)
from core.emails._errors import EmailNotValidError

# RFC 1035 2.3.4: 255 octets, less the final dot and root label (253 as written); RFC 1035 2.3.1: 63 per label.
DOMAIN_MAX_LENGTH = 253
LABEL_MAX_LENGTH = 63
# IANA special-use names (RFC 6761, 6762, 7686) that cannot receive Internet mail; their subdomains too.
# email-validator 2.4's list; "example" domains stay allowed as RFC 6761 asks.
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")
_SPECIAL_USE_SUFFIXES = tuple("." + d for d in SPECIAL_USE_DOMAINS)
# Results per domain part (the (Unicode, ASCII) pair or the error message): sign-ups repeat a few domains many
# times. Bounded, so hostile input cannot grow it.
_RESULTS: BoundedCache[str, tuple[str, str] | str] = BoundedCache(1024)
_BIDI_RTL = frozenset(("R", "AL", "AN"))
_SPECIAL_USE_MESSAGE = "The part after the @-sign is a special-use or reserved name that cannot be used with email."


def _check_hostname_dots(domain: str) -> None:
    # RFC 952 / RFC 1123 2.1: no empty labels, no hyphen at either end of a label.
    if domain.endswith("."):
        raise EmailNotValidError("An email address cannot end with a period.")
    if domain.startswith("."):
        raise EmailNotValidError("An email address cannot have a period immediately after the @-sign.")
    if ".." in domain:
        raise EmailNotValidError("An email address cannot have two periods in a row.")
    if domain.endswith("-"):
        raise EmailNotValidError("An email address cannot end with a hyphen.")
    if domain.startswith("-"):
        raise EmailNotValidError("An email address cannot have a hyphen immediately after the @-sign.")
    if ".-" in domain or "-." in domain:
        raise EmailNotValidError("An email address cannot have a period and a hyphen next to each other.")


def _is_reserved_ldh(label: str) -> bool:
    # RFC 5890 2.3.1: "??--" labels are reserved (R-LDH) unless they are A-labels ("xn--").
    return len(label) >= 4 and label[2:4] == "--" and label[:2].lower() != "xn"


def validate_domain_name(domain: str) -> tuple[str, str]:
    """(Unicode domain, ASCII domain) of a valid, globally deliverable-looking domain name; raises otherwise."""
    cached = _RESULTS.get(domain)
    if cached is None:
        try:
            cached = _validate_domain_name(domain)
        except EmailNotValidError as exc:
            cached = str(exc)
        _RESULTS.put(domain, cached)
    if isinstance(cached, str):
        raise EmailNotValidError(cached)
    return cached


def clear_caches() -> None:
    """Forget every memoised result, per domain and per code point (benchmarks start each round cold)."""
    _RESULTS.clear()
    _chars.clear_caches()
    _idna.clear_caches()


def _validate_domain_name(domain: str) -> tuple[str, str]:
    if len(domain) > DOMAIN_MAX_LENGTH:
        reason = length_reason(domain, DOMAIN_MAX_LENGTH)
        raise EmailNotValidError(f"The email address is too long after the @-sign {reason}.")
    bad = invalid_hostname_chars(domain)
    if bad:
        raise EmailNotValidError("The part after the @-sign contains invalid characters: " + displays(bad) + ".")
    if not domain.isascii():
        check_unsafe_chars(domain)
        bad = uts46_invalid_chars(domain)
        if bad:
            raise EmailNotValidError("The part after the @-sign contains invalid characters: " + displays(bad) + ".")
    original = domain
    try:
        domain = _idna.uts46_remap(domain)
    except _idna.IdnaError as exc:
        raise EmailNotValidError(f"The part after the @-sign contains invalid characters ({exc}).") from exc
    bad = invalid_hostname_chars(domain)
    if bad:
        raise EmailNotValidError(
            "The part after the @-sign contains invalid characters after Unicode normalization: " + displays(bad) + "."
        )
    _check_hostname_dots(domain)
    if any(_is_reserved_ldh(label) for label in domain.split(".")):
        raise EmailNotValidError(
            "An email address cannot have two letters followed by two dashes immediately after the @-sign or "
            "after a period, except Punycode."
        )

    # Labels this call has checked, both ways (A-label -> U-label and U-label -> A-label), so that the IDNA
    # round trip below does not decode, encode or check any label twice (the answer would be the same).
    made: dict[str, str] = {}
    known: dict[str, str] = {}
    ascii_domain = domain if is_ascii_hostname(domain) else _to_ascii(domain, made, known)
    _check_ascii_domain(ascii_domain, original)
    if "xn--" not in ascii_domain:
        return ascii_domain, ascii_domain
    return _unicode_form(ascii_domain, domain, made, known), ascii_domain


def _to_ascii(domain: str, made: dict[str, str], known: dict[str, str]) -> str:
    """IDNA A-labels of a mapped domain (``idna.alabel`` per label), recording the labels checked on the way."""
    try:
        ascii_labels = []
        for label in domain.split("."):
            if label.isascii():
                # idna.alabel of an ASCII label: it must be a valid U-label of itself (A-labels are decoded).
                made[label] = _idna.ulabel(label, known)
                if len(label) > LABEL_MAX_LENGTH:
                    raise _idna.IdnaError("Label too long")
                ascii_labels.append(label)
            else:
                ascii_label = _idna.alabel(label)
                made[ascii_label] = label
                known[label] = ascii_label
                ascii_labels.append(ascii_label)
        ascii_domain = ".".join(ascii_labels)
    except _idna.IdnaError as exc:
        raise EmailNotValidError(f"The part after the @-sign is invalid ({exc}).") from exc
    if not is_ascii_hostname(ascii_domain):
        raise EmailNotValidError("The email address contains invalid characters after the @-sign after IDNA encoding.")
    return ascii_domain


def _check_ascii_domain(ascii_domain: str, original: str) -> None:
    """Length limits, a dot, a letter-final TLD, and no special-use name."""
    if len(ascii_domain) > DOMAIN_MAX_LENGTH:
        if ascii_domain == original:
            reason = length_reason(ascii_domain, DOMAIN_MAX_LENGTH)
            raise EmailNotValidError(f"The email address is too long after the @-sign {reason}.")
        diff = len(ascii_domain) - DOMAIN_MAX_LENGTH
        raise EmailNotValidError(
            f"The email address is too long after the @-sign ({diff} byte{'' if diff == 1 else 's'} too many "
            "after IDNA encoding)."
        )
    for label in ascii_domain.split("."):
        if len(label) > LABEL_MAX_LENGTH:
            reason = length_reason(label, LABEL_MAX_LENGTH)
            raise EmailNotValidError(f"After the @-sign, periods cannot be separated by so many characters {reason}.")
    # No dotless domains: ICANN prohibits them for new gTLDs (2013), and users expect a dot.
    if "." not in ascii_domain:
        raise EmailNotValidError("The part after the @-sign is not valid. It should have a period.")
    # Every top-level domain ends with a letter (no numeric TLDs).
    if ascii_domain[-1] not in ASCII_LETTERS:
        raise EmailNotValidError("The part after the @-sign is not valid. It is not within a valid top-level domain.")
    if ascii_domain in SPECIAL_USE_DOMAINS or ascii_domain.endswith(_SPECIAL_USE_SUFFIXES):
        raise EmailNotValidError(_SPECIAL_USE_MESSAGE)


def _unicode_form(ascii_domain: str, mapped: str, made: dict[str, str], known: dict[str, str]) -> str:
    """Decode punycode labels and check that the Unicode domain is itself valid (email-validator's round trip)."""
    try:
        unicode_domain = ".".join(made.get(label) or _idna.ulabel(label, known) for label in ascii_domain.split("."))
    except _idna.IdnaError as exc:
        raise EmailNotValidError(f"The part after the @-sign is not valid IDNA ({exc}).") from exc
    # (When every label was given in Unicode, unicode_domain is the mapped domain, whose characters were checked.)
    bad = [] if unicode_domain == mapped else invalid_hostname_chars(unicode_domain)
    if bad:
        raise EmailNotValidError("The part after the @-sign contains invalid characters: " + displays(bad) + ".")
    check_unsafe_chars(unicode_domain)
    # RFC 5893 1.4 / UTS #46 CheckBidi: once any label is right-to-left, the Bidi rule applies to every label, so
    # that "1.<hebrew>.com" and "<hebrew>.1.com" (which display alike) are both refused.
    if not _BIDI_RTL.isdisjoint(map(unicodedata.bidirectional, set(unicode_domain))):
        for label in unicode_domain.split("."):
            try:
                _idna.check_bidi(label, check_ltr=True)
            except _idna.IdnaError as exc:
                raise EmailNotValidError(f"The part after the @-sign is not valid IDNA ({exc}).") from exc
    try:
        _idna.encode(unicode_domain, known)
    except _idna.IdnaError as exc:
        raise EmailNotValidError(
            f"The part after the @-sign became invalid after normalizing to international characters ({exc})."
        ) from exc
    return unicode_domain


def validate_domain_literal(literal: str) -> str:
    """The normalised ``[IPv4]`` / ``[IPv6:...]`` form of a bracketed address (RFC 5321 4.1.3); raises otherwise."""
    import ipaddress  # only domain literals need it; keeps `import core.emails` light

    # email-validator tests r"^[0-9\.]+$", whose "$" also matches before one final newline.
    digits = literal[:-1] if literal.endswith("\n") else literal
    if digits and all(c in "0123456789." for c in digits):
        try:
            return f"[{ipaddress.IPv4Address(literal)}]"
        except ValueError as exc:
            raise EmailNotValidError(
                f"The address in brackets after the @-sign is not valid: It is not an IPv4 address ({exc}) or is "
                "missing an address literal tag."
            ) from exc
    # RFC 5234 2.3: the "IPv6" tag is case-insensitive like every ABNF literal.
    if literal[:5].lower() == "ipv6:":
        try:
            addr = ipaddress.IPv6Address(literal[5:])
        except ValueError as exc:
            raise EmailNotValidError(f"The IPv6 address in brackets after the @-sign is not valid ({exc}).") from exc
        if addr.scope_id is not None:  # RFC 5321 4.1.3 has no zone index
            raise EmailNotValidError(
                "The IPv6 address in brackets after the @-sign is not valid (It has a zone index)."
            )
        return f"[IPv6:{addr.compressed}]"
    if ":" not in literal:
        raise EmailNotValidError(
            "The part after the @-sign in brackets is not an IPv4 address and has no address literal tag."
        )
    # RFC 5322 3.4.1 dtext; only "IPv6" is a registered tag, so any other tag is refused either way.
    bad = [c for c in literal if not ("!" <= c <= "\xfa")]
    if bad:
        raise EmailNotValidError(
            "The part after the @-sign contains invalid characters in brackets: " + displays(bad) + "."
        )
    raise EmailNotValidError("The part after the @-sign contains an invalid address literal tag in brackets.")

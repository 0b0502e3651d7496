"""validate_email: email-validator 2.4's syntax rules and normalisation (check_deliverability=False)."""

from __future__ import annotations

import unicodedata
import warnings

from core.emails._chars import ATEXT_DOT, length_reason
from core.emails._domain import SPECIAL_USE_DOMAINS, validate_domain_literal, validate_domain_name
from core.emails._errors import EmailNotValidError
from core.emails._local import validate_local_part
from core.emails._split import split_email

# RFC 3696 errata 1690 / RFC 5321 4.5.3.1.3: 254 octets for the whole address (UTF-8 octets with SMTPUTF8).
EMAIL_MAX_LENGTH = 254
# RFC 2142 mailbox names, which are case-insensitive and so lower-cased.
ROLE_MAILBOXES = frozenset(
    ("info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster", "hostmaster", "usenet",
     "news", "webmaster", "www", "uucp", "ftp")
)
_SPECIAL_USE = frozenset(SPECIAL_USE_DOMAINS)
_LOWER_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_HOSTNAME_LOWER = _LOWER_LETTERS | frozenset("0123456789-.")


class ValidatedEmail:
    """A valid address, normalised; the fields mean what email-validator 2.4's ValidatedEmail fields mean.

    Besides the fields, email-validator's whole surface: ``email`` (its deprecated alias of ``normalized``, with
    the same DeprecationWarning), ``original_email``, ``domain_address`` (the ``ipaddress`` object of a domain
    literal, else None), ``mx`` / ``mx_fallback_type`` (always None: core does no DNS), deprecated dict-style
    access (``result["email"]``), ``as_dict()`` and ``as_constructor()``.
    """

    __slots__ = ("ascii_domain", "ascii_email", "ascii_local_part", "display_name", "domain", "local_part",
                 "normalized", "original", "smtputf8")

    def __init__(self, *, original: str, local_part: str, ascii_local_part: str | None, domain: str,
                 ascii_domain: str, smtputf8: bool, display_name: str | None = None) -> None:
        self.original = original
        self.local_part = local_part
        self.ascii_local_part = ascii_local_part
        self.domain = domain
        self.ascii_domain = ascii_domain
        self.smtputf8 = smtputf8
        self.display_name = display_name
        self.normalized = local_part + "@" + domain
        # Only an ASCII local part has an all-ASCII form (the domain always has one, via punycode).
        self.ascii_email = ascii_local_part + "@" + ascii_domain if ascii_local_part and ascii_domain else None

    def __repr__(self) -> str:
        return f"<ValidatedEmail {self.normalized}>"

    @property
    def email(self) -> str:
        """email-validator's deprecated alias of ``normalized`` (what pydantic 1 and older code read)."""
        warnings.warn("ValidatedEmail.email is deprecated and will be removed, use ValidatedEmail.normalized instead",
                      DeprecationWarning, stacklevel=2)
        return self.normalized

    @property
    def original_email(self) -> str:
        """email-validator 1.x's name of ``original``."""
        return self.original

    @property
    def domain_address(self) -> object:
        """For a domain literal (``allow_domain_literal=True``), its ``IPv4Address`` / ``IPv6Address``; else None."""
        if not self.domain.startswith("["):
            return None
        import ipaddress  # only domain literals need it; keeps `import core.emails` light

        inner = self.domain[1:-1]
        if inner[:5].lower() == "ipv6:":
            return ipaddress.IPv6Address(inner[5:])
        return ipaddress.IPv4Address(inner)

    @property
    def mx(self) -> list[tuple[int, str]] | None:
        """email-validator's MX records from its deliverability check: core does no DNS, so always None."""
        return None

    @property
    def mx_fallback_type(self) -> str | None:
        """email-validator's A/AAAA fallback from its deliverability check: always None (no DNS)."""
        return None

    def __getitem__(self, key: str) -> str | bool | list[tuple[int, str]] | None:
        """email-validator's deprecated dict-style access, with its keys and its DeprecationWarning."""
        warnings.warn("dict-like access to the return value of validate_email is deprecated and may not be "
                      "supported in the future.", DeprecationWarning, stacklevel=2)
        fields = {"email": "normalized", "email_ascii": "ascii_email", "local": "local_part", "domain": "ascii_domain",
                  "domain_i18n": "domain", "smtputf8": "smtputf8", "mx": "mx", "mx-fallback": "mx_fallback_type"}
        if key not in fields:
            raise KeyError(key)
        value: str | bool | list[tuple[int, str]] | None = getattr(self, fields[key])
        return value

    def as_dict(self) -> dict[str, object]:
        """The fields email-validator sets without a deliverability check, as a dict (``domain_address`` as repr)."""
        out: dict[str, object] = {name: getattr(self, name) for name in self.__slots__}
        address = self.domain_address
        if address is not None:
            out["domain_address"] = repr(address)
        return out

    def as_constructor(self) -> str:
        """email-validator's ``as_constructor`` text (fields it sets without a deliverability check)."""
        names = ("original", "normalized", "local_part", "domain", "ascii_email", "ascii_local_part", "ascii_domain",
                 "smtputf8", "display_name")
        return "ValidatedEmail(" + ",".join(f"\n  {name}={getattr(self, name)!r}" for name in names) + ")"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ValidatedEmail):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __hash__(self) -> int:
        return hash(self.normalized)


def _fast_path(email: str, strict: bool) -> ValidatedEmail | None:
    """The common case (ASCII dot-atom @ plain hostname) decided without the general parser, or None.

    None sends the address to the general path, which gives every error message; so each test here only needs
    to be a sufficient condition for validity, in as few C-level string operations as possible.
    """
    at = email.find("@")
    if at <= 0 or len(email) > EMAIL_MAX_LENGTH or (strict and at > 64):
        return None
    local = email[:at]
    domain = email[at + 1 :].lower()
    # RFC 5322 3.2.3 dot-atom local part; RFC 952 / 1123 hostname labels, a letter-final TLD, no "??--" labels
    # (reserved, or punycode: those take the general path), none over 63 characters.
    if (
        not ATEXT_DOT.issuperset(local)
        or local[0] == "."
        or local[-1] == "."
        or ".." in local
        or not domain
        or not _HOSTNAME_LOWER.issuperset(domain)
        or domain[-1] not in _LOWER_LETTERS
        or domain[0] in ".-"
        or ".." in domain
        or ".-" in domain
        or "-." in domain
        or "--" in domain
    ):
        return None
    dot = domain.rfind(".")
    if dot < 0 or domain[dot + 1 :] in _SPECIAL_USE or (len(domain) > 63 and any(
        len(label) > 63 for label in domain.split(".")
    )):
        return None
    if at <= 10 and local.lower() in ROLE_MAILBOXES:  # the longest role name, "postmaster", has 10 letters
        local = local.lower()
    return ValidatedEmail(original=email, local_part=local, ascii_local_part=local, domain=domain,
                          ascii_domain=domain, smtputf8=False)


def _check_length(original: str, normalized: str, ascii_form: str) -> None:
    # Checked in UTF-8 octets (SMTPUTF8 counts octets) on the input, the normalised form and the ASCII form.
    for addr, context in ((original, None), (normalized, "after normalization"),
                          (ascii_form, "when the part after the @-sign is converted to IDNA ASCII")):
        if len(addr) * 4 <= EMAIL_MAX_LENGTH:  # UTF-8 needs at most 4 octets per code point
            continue
        octets = len(addr.encode("utf-8", "surrogatepass"))
        diff = octets - EMAIL_MAX_LENGTH
        if diff <= 0:
            continue
        s = "s" if diff > 1 else ""
        if context is None and len(addr) == octets:
            reason = length_reason(addr, EMAIL_MAX_LENGTH)
        elif context is None:
            # Fewest characters that could account for the excess octets, up to one per octet.
            widest = max(len(c.encode("utf-8", "surrogatepass")) for c in addr)
            fewest = max(1, diff // widest)
            reason = f"({diff} character{s} too many)" if fewest == diff else f"({fewest}-{diff} character{s} too many)"
        else:
            reason = f"{context} ({diff} byte{s} too many)"
        raise EmailNotValidError(f"The email address is too long {reason}.")


def validate_email(
    email: str | bytes,
    *,
    allow_smtputf8: bool = True,
    allow_quoted_local: bool = False,
    allow_domain_literal: bool = False,
    allow_display_name: bool = False,
    strict: bool = False,
) -> ValidatedEmail:
    """Validate and normalise an address as ``email_validator.validate_email(..., check_deliverability=False)``.

    Returns the normalised address (NFC, lower-cased domain decoded from punycode, RFC 2142 role names
    lower-cased) with its ASCII form; raises EmailNotValidError saying what is wrong. No DNS is consulted.
    """
    if isinstance(email, bytes):
        # Bytes are taken as what travels on the wire without SMTPUTF8: ASCII only.
        try:
            email = email.decode("ascii")
        except UnicodeDecodeError as exc:
            raise EmailNotValidError("The email address is not valid ASCII.") from exc
    elif not isinstance(email, str):
        raise EmailNotValidError(f"The email address must be str or bytes, not {type(email).__name__}.")
    if email.isascii():
        fast = _fast_path(email, strict)
        if fast is not None:
            return fast

    display_name, given_local, unquoted_local, quoted, domain_part = split_email(email)
    if display_name:
        display_name = unicodedata.normalize("NFC", display_name)
    original = given_local + "@" + domain_part

    local, ascii_local, smtputf8 = validate_local_part(unquoted_local, allow_smtputf8, quoted, strict)
    # RFC 6532 3.1: NFC. The NFC form is validated again, since callers store it in place of the input.
    nfc_local = unquoted_local if unquoted_local.isascii() else unicodedata.normalize("NFC", unquoted_local)
    if nfc_local != unquoted_local:
        try:
            local, ascii_local, _ = validate_local_part(nfc_local, allow_smtputf8, quoted, strict)
        except EmailNotValidError as exc:
            raise EmailNotValidError(f"After Unicode normalization: {exc}") from exc
    if quoted and not allow_quoted_local:
        raise EmailNotValidError("Quoting the part before the @-sign is not allowed here.")
    if ascii_local is not None and ascii_local.lower() in ROLE_MAILBOXES:
        ascii_local = local = ascii_local.lower()

    if not domain_part:
        raise EmailNotValidError("There must be something after the @-sign.")
    if domain_part.startswith("[") and domain_part.endswith("]"):
        domain = ascii_domain = validate_domain_literal(domain_part[1:-1])
        if not allow_domain_literal:
            raise EmailNotValidError("A bracketed IP address after the @-sign is not allowed here.")
    else:
        domain, ascii_domain = validate_domain_name(domain_part)

    result = ValidatedEmail(original=original, local_part=local, ascii_local_part=ascii_local, domain=domain,
                            ascii_domain=ascii_domain, smtputf8=smtputf8, display_name=display_name)
    _check_length(original, result.normalized, (ascii_local or local) + "@" + ascii_domain)
    # Optional syntax is checked last, as email-validator does, so that real errors take precedence.
    if display_name is not None and not allow_display_name:
        raise EmailNotValidError(
            "A display name and angle brackets around the email address are not permitted here."
        )
    return result

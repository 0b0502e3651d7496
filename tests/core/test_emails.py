"""core.emails: validation and normalisation rules (the differential checks live in compat_tests/test_emails.py)."""

from __future__ import annotations

import ipaddress
import os
import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.emails import EmailNotValidError, ValidatedEmail, _chars, _domain, _idna, validate_email
from core.errors import LeancoreError


@pytest.mark.parametrize(
    ("email", "normalized", "ascii_email"),
    [
        ("Abc@Example.COM", "Abc@example.com", "Abc@example.com"),
        ("POSTMASTER@example.com", "postmaster@example.com", "postmaster@example.com"),
        ("user+tag@sub.example.org", "user+tag@sub.example.org", "user+tag@sub.example.org"),
        ("me@xn--bcher-kva.example", "me@bücher.example", "me@xn--bcher-kva.example"),
        ("me@BÜCHER.example", "me@bücher.example", "me@xn--bcher-kva.example"),
        ("me@straße.de", "me@straße.de", "me@xn--strae-oqa.de"),
        ("me@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45。com", "me@example.com", "me@example.com"),
        ("cafe\u0301@example.com", "caf\u00e9@example.com", None),
        ('"a b"@example.com', '"a b"@example.com', '"a b"@example.com'),
    ],
)
def test_valid_addresses_normalise(email: str, normalized: str, ascii_email: str | None) -> None:
    """Valid addresses come back NFC, with a lower-cased Unicode domain, role names lower-cased, and an ASCII form."""
    result = validate_email(email, allow_quoted_local=True)
    assert (result.normalized, result.ascii_email) == (normalized, ascii_email)
    assert result.smtputf8 is (ascii_email is None)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("a..b@example.com", "An email address cannot have two periods in a row."),
        ("a.@example.com", "An email address cannot have a period immediately before the @-sign."),
        ("a@example.com.", "An email address cannot end with a period."),
        ("a@ex_ample.com", "The part after the @-sign contains invalid characters: '_'."),
        ("a@localhost", "The part after the @-sign is not valid. It should have a period."),
        ("a@example.123", "The part after the @-sign is not valid. It is not within a valid top-level domain."),
        ("a@mail.onion", "special-use or reserved name"),
        ("a@x.test", "special-use or reserved name"),
        ("a@ab--c.com", "two letters followed by two dashes"),
        ("a@" + "b" * 64 + ".com", "periods cannot be separated by so many characters (1 character too many)"),
        ("x" * 243 + "@example.com", "The email address is too long (1 character too many)."),
        ('"q"@example.com', "Quoting the part before the @-sign is not allowed here."),
        ("a@[127.0.0.1]", "A bracketed IP address after the @-sign is not allowed here."),
        ("Name <a@example.com>", "A display name and angle brackets around the email address are not permitted here."),
        ("me\uff20example.com", 'The email address has the "full-width" at-sign (@) character instead of a regular'),
        ("me@\u202eexample.com", "unsafe characters: RIGHT-TO-LEFT OVERRIDE"),
        ("me@xn---bbk.com", "not the canonical Punycode encoding"),
        ("me@☃.com", "Codepoint U+2603 at position 1 of '☃' not allowed"),
        ("\u0301" * 5000 + "@example.com", "unsafe characters"),
        ("me@\u00e9.xn--" + "9" * 20000 + ".com", "too long after the @-sign"),
    ],
)
def test_invalid_addresses_say_why(email: str, message: str) -> None:
    """Invalid addresses raise EmailNotValidError whose message names the rule broken (email-validator's words)."""
    with pytest.raises(EmailNotValidError) as info:
        validate_email(email)
    assert message in str(info.value)


def test_error_is_in_the_leancore_tree_with_a_stable_code() -> None:
    """EmailNotValidError is a LeancoreError and a ValueError, with code 'email_not_valid'."""
    with pytest.raises(EmailNotValidError) as info:
        validate_email("nope")
    assert isinstance(info.value, LeancoreError)
    assert isinstance(info.value, ValueError)
    assert info.value.code == "email_not_valid"


def test_options_enable_the_optional_syntax() -> None:
    """Quoted locals, IP literals and display names are accepted only when their option is on."""
    assert validate_email('"a..b"@example.com', allow_quoted_local=True).local_part == '"a..b"'
    assert validate_email("a@[IPv6:0::1]", allow_domain_literal=True).domain == "[IPv6:::1]"
    named = validate_email('"Ann" <ann@example.com>', allow_display_name=True)
    assert (named.display_name, named.normalized) == ("Ann", "ann@example.com")


def test_strict_limits_the_local_part_and_smtputf8_can_be_refused() -> None:
    """strict applies RFC 5321's 64-character local limit; allow_smtputf8=False refuses a non-ASCII local part."""
    assert validate_email("x" * 65 + "@example.com").local_part == "x" * 65
    with pytest.raises(EmailNotValidError, match="too long before the @-sign"):
        validate_email("x" * 65 + "@example.com", strict=True)
    with pytest.raises(EmailNotValidError, match="Internationalized characters before the @-sign"):
        validate_email("λ@example.com", allow_smtputf8=False)


def test_bytes_are_ascii_only_and_other_types_are_refused() -> None:
    """Bytes are decoded as ASCII (wire form without SMTPUTF8); anything else is an EmailNotValidError."""
    assert validate_email(b"a@example.com").normalized == "a@example.com"
    with pytest.raises(EmailNotValidError, match="not valid ASCII"):
        validate_email("λ@example.com".encode())
    with pytest.raises(EmailNotValidError, match="must be str or bytes"):
        validate_email(None)  # type: ignore[arg-type]


def test_validated_email_compares_by_value() -> None:
    """Two validations of one address are equal, hash alike, and show the normalised form."""
    a, b = validate_email("A@Example.com"), validate_email("A@example.COM")
    assert a != b  # the originals differ
    assert a == validate_email("A@Example.com")
    assert hash(a) == hash(b)
    assert repr(a) == "<ValidatedEmail A@example.com>"
    assert isinstance(a, ValidatedEmail)


@pytest.mark.parametrize(
    ("label", "kind"),
    [("a", "PVALID"), ("ß", "PVALID"), ("A", "DISALLOWED"), ("\u200c", "CONTEXTJ"), ("\u00b7", "CONTEXTO"),
     ("☃", "DISALLOWED"),
     ("\u0640", "DISALLOWED"), ("\u1100", "DISALLOWED"), ("ﬁ", "DISALLOWED"), ("\ufe0f", "DISALLOWED")],
)
def test_idna2008_codepoint_classes(label: str, kind: str) -> None:
    """RFC 5892 derived properties, including its exception table and the unstable / ignorable rules."""
    assert _idna.codepoint_class(label) == kind


@pytest.mark.parametrize(
    ("label", "ok"),
    [("l\u00b7l", True), ("a\u00b7b", False), ("\u05d0\u05f3", True), ("a\u05f3", False), ("\u0375\u03b1", True),
     ("ア・イ", True), ("\u30fb", False),
     ("\u0628\u0663\u0664", True), ("\u0628\u0663\u06f4", False), ("\u0915\u094d\u200d", True)],
)
def test_contextual_rules(label: str, ok: bool) -> None:
    """RFC 5892 appendix A: middle dot, geresh, keraia, katakana middle dot, Arabic-Indic digits, joiners."""
    if ok:
        _idna.check_label(label)
    else:
        with pytest.raises(_idna.IdnaError):
            _idna.check_label(label)


@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40))
def test_any_text_is_either_valid_or_an_email_error(text: str) -> None:
    """No input leaks another exception type; accepted addresses re-validate to themselves (idempotent)."""
    for candidate in (text, text + "@example.com", "me@" + text, "me@" + text + ".com"):
        try:
            result = validate_email(candidate)
        except EmailNotValidError:
            continue
        assert validate_email(result.normalized).normalized == result.normalized


def test_email_is_the_deprecated_alias_of_normalized() -> None:
    """``.email`` is ``.normalized`` with email-validator's DeprecationWarning; ``.original_email`` is ``.original``."""
    result = validate_email("POSTMASTER@Example.COM")
    with pytest.warns(DeprecationWarning, match="use ValidatedEmail.normalized instead"):
        assert result.email == result.normalized == "postmaster@example.com"
    assert result.original_email == result.original == "POSTMASTER@Example.COM"


def test_domain_address_is_the_literal_ip_and_dns_fields_are_none() -> None:
    """``domain_address`` is the ipaddress object of a domain literal (None for a name); ``mx`` fields are None."""
    literal = validate_email("a@[192.0.2.1]", allow_domain_literal=True)
    assert literal.domain_address == ipaddress.IPv4Address("192.0.2.1")
    assert validate_email("a@[IPv6:0::1]", allow_domain_literal=True).domain_address == ipaddress.IPv6Address("::1")
    plain = validate_email("a@example.com")
    assert (plain.domain_address, plain.mx, plain.mx_fallback_type) == (None, None, None)


def test_dict_access_as_dict_and_as_constructor() -> None:
    """The deprecated dict keys map to the fields (warning each time); as_dict and as_constructor list the fields."""
    result = validate_email("me@xn--bcher-kva.example")
    with pytest.warns(DeprecationWarning, match="dict-like access"):
        assert (result["email"], result["domain"], result["domain_i18n"]) == (
            "me@bücher.example", "xn--bcher-kva.example", "bücher.example")
    with pytest.warns(DeprecationWarning, match="dict-like access"), pytest.raises(KeyError):
        result["nope"]
    assert result.as_dict()["ascii_email"] == "me@xn--bcher-kva.example"
    assert "domain_address" not in result.as_dict()
    assert validate_email("a@[192.0.2.1]", allow_domain_literal=True).as_dict()["domain_address"] == (
        "IPv4Address('192.0.2.1')")
    assert result.as_constructor().startswith("ValidatedEmail(\n  original='me@xn--bcher-kva.example',")


# Where core's own warnings.warn lines are; a warning attributed there would point users at core, not their code.
_VALIDATE_PY = os.path.join("core", "emails", "_validate.py")


def test_dict_access_warns_with_email_validators_text_at_the_callers_line() -> None:
    """result["email"] warns with email-validator's exact DeprecationWarning text, attributed to the caller (stack
    level 2), not to core's own line."""
    result = validate_email("a@example.com")
    with pytest.warns(DeprecationWarning, match="dict-like access") as caught:
        result["email"]
    assert [str(w.message) for w in caught] == [
        "dict-like access to the return value of validate_email is deprecated and may not be supported in the future."
    ]
    assert not caught[0].filename.endswith(_VALIDATE_PY)


def test_email_alias_warns_at_the_callers_line() -> None:
    """The deprecated ``.email`` alias's warning points past core's own line, at the code that reads it."""
    result = validate_email("a@example.com")
    with pytest.warns(DeprecationWarning, match="use ValidatedEmail.normalized") as caught:
        _ = result.email
    assert not caught[0].filename.endswith(_VALIDATE_PY)


def test_unknown_dict_key_is_a_key_error_naming_the_key() -> None:
    """An unknown dict-style key raises KeyError carrying that key."""
    with pytest.warns(DeprecationWarning, match="dict-like access"), pytest.raises(KeyError) as info:
        validate_email("a@example.com")["nope"]
    assert info.value.args == ("nope",)


def test_hash_follows_the_normalised_address() -> None:
    """Results hash by their normalised address: different addresses hash apart, usable as set members."""
    a, b = validate_email("a@example.com"), validate_email("b@example.com")
    assert hash(a) == hash("a@example.com")
    assert hash(a) != hash(b)
    assert len({a, b, validate_email("a@example.com")}) == 2


def test_non_ascii_bytes_message_is_email_validators() -> None:
    """Bytes that are not ASCII are refused with email-validator's exact message."""
    with pytest.raises(EmailNotValidError) as info:
        validate_email("\u03bb@example.com".encode())
    assert str(info.value) == "The email address is not valid ASCII."


@pytest.mark.parametrize("read", [lambda r: r["email"], lambda r: r.email], ids=["dict-access", "email-alias"])
def test_deprecation_warnings_are_raised_one_frame_up(read: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both deprecation warnings are issued with stacklevel=2 (the reader's frame, as email-validator does); the
    level is read from the call itself, because a tool wrapping core's methods adds frames to any observed stack."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(warnings, "warn", lambda *args, **kwargs: calls.append(kwargs))
    read(validate_email("a@example.com"))
    assert [call.get("stacklevel") for call in calls] == [2]


def test_clear_caches_forgets_every_memo_of_core_emails() -> None:
    """After an internationalised address, _domain.clear_caches() empties the per-domain and every per-code-point
    cache (benchmarks' cold rounds rely on it)."""
    from core.emails import _idna_rules

    validate_email("jörg@bücher.example")
    caches = (_domain._RESULTS, _chars._UTS46_VALID, _idna._MAP_CACHE, _idna_rules._CLASS_CACHE)
    assert all(caches)
    _domain.clear_caches()
    assert not any(caches)

"""core.emails.ValidatedEmail against email-validator 2.4.0's ValidatedEmail: every attribute it has, same values.

The attribute list is read from the installed email-validator at test time (its class annotations, public
attributes and the two old names its ``__getattr__`` answers), so a new attribute upstream fails here first.
"""

from __future__ import annotations

import warnings

import email_validator
import pytest

from compat_tests._ids import plain_id
from core.emails import ValidatedEmail, validate_email

# email_validator.ValidatedEmail.__getattr__ answers these old names (read from email_validator/types.py 2.4.0).
OLD_NAMES = ("email", "original_email")
# Set by email-validator only after a DNS deliverability check (core does none): None in core.
DNS_ONLY = ("mx", "mx_fallback_type")
DICT_KEYS = ("email", "email_ascii", "local", "domain", "domain_i18n", "smtputf8")
ADDRESSES = [
    ("Ann.Example@Example.COM", {}),
    ("POSTMASTER@example.com", {}),
    ("me@xn--bcher-kva.example", {}),
    ("ñoño@example.com", {}),
    ('"Ann" <ann@example.com>', {"allow_display_name": True}),
    ('"quoted local"@example.com', {"allow_quoted_local": True}),
    ("a@[192.0.2.1]", {"allow_domain_literal": True}),
    ("a@[IPv6:2001:db8::1]", {"allow_domain_literal": True}),
]


def reference_attributes() -> list[str]:
    """Every attribute name of email-validator's ValidatedEmail, from the installed package."""
    cls = email_validator.ValidatedEmail
    names = set(cls.__annotations__) | {name for name in dir(cls) if not name.startswith("_")} | set(OLD_NAMES)
    return sorted(names)


def _both(address: str, options: dict[str, bool]) -> tuple[ValidatedEmail, email_validator.ValidatedEmail]:
    return (validate_email(address, **options),
            email_validator.validate_email(address, check_deliverability=False, **options))


def test_the_reference_attribute_list_is_what_core_was_built_against() -> None:
    """The installed email-validator's ValidatedEmail has the 16 attributes core provides (no new ones)."""
    assert reference_attributes() == sorted([
        "ascii_domain", "ascii_email", "ascii_local_part", "as_constructor", "as_dict", "display_name", "domain",
        "domain_address", "email", "local_part", "mx", "mx_fallback_type", "normalized", "original",
        "original_email", "smtputf8",
    ])


@pytest.mark.parametrize(("address", "options"), ADDRESSES, ids=[plain_id(a) for a, _ in ADDRESSES])
def test_every_reference_attribute_exists_with_the_same_value(address: str, options: dict[str, bool]) -> None:
    """Each attribute email-validator's result has exists on core's with an equal value (DNS-only ones: None in
    core, unset in email-validator); ``email`` warns as email-validator's does; methods give equal results."""
    ours, theirs = _both(address, options)
    for name in reference_attributes():
        assert name in dir(ours), name  # dir, not hasattr: reading `email` warns
        if name in ("as_dict", "as_constructor"):
            assert getattr(ours, name)() == getattr(theirs, name)(), name
        elif name == "email":
            with pytest.warns(DeprecationWarning, match="ValidatedEmail.email is deprecated"):
                ours_email = ours.email
            with pytest.warns(DeprecationWarning, match="ValidatedEmail.email is deprecated"):
                theirs_email = theirs.email
            assert ours_email == theirs_email == ours.normalized
        elif name in DNS_ONLY:
            assert getattr(ours, name) is None
            assert not hasattr(theirs, name)
        elif name == "domain_address" and not hasattr(theirs, name):
            assert ours.domain_address is None  # email-validator sets it for domain literals only
        else:
            assert getattr(ours, name) == getattr(theirs, name), name


@pytest.mark.parametrize(("address", "options"), ADDRESSES[:3], ids=[plain_id(a) for a, _ in ADDRESSES[:3]])
def test_dict_style_access_beside_email_validator(address: str, options: dict[str, bool]) -> None:
    """result["email"], ["domain"], ... give email-validator's values with its DeprecationWarning; unknown keys
    raise KeyError in both."""
    ours, theirs = _both(address, options)
    for key in DICT_KEYS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert ours[key] == theirs[key]
        assert [w.category for w in caught] == [DeprecationWarning, DeprecationWarning]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for result in (ours, theirs):
            with pytest.raises(KeyError):
                result["nope"]


def test_dns_only_keys_beside_email_validator() -> None:
    """Without a deliverability check email-validator has no ``mx`` (AttributeError); core answers None."""
    ours, theirs = _both("a@example.com", {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(AttributeError):
            theirs["mx"]
        assert ours["mx"] is None
        assert ours["mx-fallback"] is None

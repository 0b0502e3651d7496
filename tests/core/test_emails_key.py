"""core.emails.email_key: one key for every spelling of an address that differs by case or compatibility form."""

from __future__ import annotations

import pytest

from core.emails import email_key, validate_email


@pytest.mark.parametrize("spelling", ["alice@example.com", "Alice@example.com", "ALICE@EXAMPLE.COM",
                                      "\uff41lice@example.com", "\uff21\uff2c\uff29\uff23\uff25@example.com"])
def test_case_and_fullwidth_spellings_share_one_key(spelling: str) -> None:
    """Case variants and fullwidth look-alikes of alice@example.com, once validated, key as alice@example.com."""
    assert email_key(validate_email(spelling).normalized) == "alice@example.com"


def test_unicode_case_is_folded_not_only_ascii() -> None:
    """Non-ASCII capitals fold like ASCII ones (JOSÉ and josé are one account), and ß folds to ss."""
    assert email_key("JOSÉ@example.com") == email_key("josé@example.com") == "josé@example.com"
    assert email_key("straße@example.com") == "strasse@example.com"


def test_distinct_addresses_keep_distinct_keys() -> None:
    """Folding never joins addresses that differ by more than case or form: bob and b0b stay two accounts."""
    assert len({email_key(a) for a in ("bob@example.com", "b0b@example.com", "bob@example.org")}) == 3


def test_cross_script_look_alike_keeps_its_own_key() -> None:
    """A Cyrillic a (U+0430) for the Latin a is not folded: that look-alike of alice@example.com is its own account."""
    look_alike = validate_email("\u0430lice@example.com").normalized
    assert email_key(look_alike) == "\u0430lice@example.com" != email_key("alice@example.com")

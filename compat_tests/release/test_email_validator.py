"""The migration contract against the installed email-validator (2.1.2 / 2.2.0 / 2.3.0 in their envs, 2.4.0 in
`compat`): over both corpora, core's outcome (accepted with the same normalised fields, or refused) is the
release's, except the differences compat_tests/data/email_validator_release_differences.json lists for it.

Error messages are 2.4.0's in core and are compared on the newest pin only (compat_tests/test_emails.py): a team
on an older release migrates decisions and stored addresses, not message texts.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
from pathlib import Path
from typing import Any

import email_validator
import pytest

from compat_tests import _email_agreement as agreement

RELEASE = importlib.metadata.version("email-validator")
DIFFERENCES = json.loads((Path(__file__).resolve().parent.parent / "data/email_validator_release_differences.json")
                         .read_text(encoding="ascii"))["differences"]
SUPPORTED = set(inspect.signature(email_validator.validate_email).parameters)
# Cases using an option the release does not have cannot run there (pinned by test_options_by_release).
CASES = [c for c in agreement.load_cases() if set(c["options"]) <= SUPPORTED]
# The options of the corpora and the release that introduced each (older ones raise TypeError for them).
OPTION_SINCE = {"allow_smtputf8": "2.0.0", "allow_quoted_local": "2.0.0", "allow_domain_literal": "2.0.0",
                "allow_display_name": "2.2.0", "strict": "2.3.0"}


def _key(case: dict[str, Any]) -> str:
    return case["email"] + "|" + json.dumps(case["options"], sort_keys=True)


def _differs(case: dict[str, Any]) -> bool:
    ref = agreement.reference(case["email"], case["options"])
    return not agreement.agree_on_outcome(ref, agreement.ours(case["email"], case["options"]))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


def test_every_outcome_difference_is_documented_for_this_release() -> None:
    """No corpus input gets another outcome from this release than from core unless the data file lists it."""
    documented = {_key(c) for group in DIFFERENCES for c in group["cases"] if RELEASE in c["releases"]}
    assert {_key(c) for c in CASES if _differs(c)} == documented
    assert len(CASES) > 900


@pytest.mark.parametrize("group", DIFFERENCES, ids=[g["id"] for g in DIFFERENCES])
def test_documented_release_difference(group: dict[str, Any]) -> None:
    """Each documented difference holds on the releases it names, and is absent on the others (2.4.0 among them)."""
    cases = [c for c in group["cases"] if set(c["options"]) <= SUPPORTED]
    assert [_differs(c) for c in cases] == [RELEASE in c["releases"] for c in cases]


@pytest.mark.parametrize("option", sorted(OPTION_SINCE))
def test_options_by_release(option: str) -> None:
    """The corpora's options exist in core and in the releases since the one that introduced them."""
    from core.emails import validate_email

    assert option in inspect.signature(validate_email).parameters
    assert (option in SUPPORTED) == (_version(RELEASE) >= _version(OPTION_SINCE[option]))

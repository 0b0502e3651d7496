"""core.emails._idna against the ``idna`` package (3.x, which email-validator 2.4 uses): results and error texts.

email-validator quotes ``idna``'s error text inside its own messages ("The part after the @-sign is invalid
(Codepoint U+2603 ...)"), so core's IDNA functions must raise with ``idna``'s words. The vectors
(compat_tests/data/idna_vectors.json) reach each rule: hyphens, length, NFC, leading marks, code point classes,
CONTEXTJ/CONTEXTO, the Bidi rule, A-label decoding and the UTS #46 mapping.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import idna
import pytest

from compat_tests._ids import plain_id
from core.emails import _idna

VECTORS = json.loads((Path(__file__).resolve().parent / "data" / "idna_vectors.json").read_text("ascii"))


def _outcome(function: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    try:
        result = function(*args)
    except (idna.IDNAError, _idna.IdnaError) as exc:
        return ("error", str(exc))
    if isinstance(result, bytes):
        result = result.decode("ascii")
    return ("ok", None if result is True else result)


@pytest.mark.parametrize("label", VECTORS["labels"], ids=plain_id)
def test_label_functions_agree_with_idna(label: str) -> None:
    """check_label, ulabel, alabel and check_bidi (both modes) give idna's result or raise with idna's text."""
    for name in ("check_label", "ulabel", "alabel"):
        assert _outcome(getattr(_idna, name), label) == _outcome(getattr(idna, name), label), name
    for check_ltr in (False, True):
        assert _outcome(_idna.check_bidi, label, check_ltr) == _outcome(idna.check_bidi, label, check_ltr), check_ltr


@pytest.mark.parametrize("domain", VECTORS["encode"], ids=plain_id)
def test_encode_agrees_with_idna(domain: str) -> None:
    """encode() of a Unicode domain gives idna.encode's A-labels or raises with its text."""
    assert _outcome(_idna.encode, domain, {}) == _outcome(idna.encode, domain)


@pytest.mark.parametrize("domain", VECTORS["uts46_remap"], ids=plain_id)
def test_uts46_remap_agrees_with_idna(domain: str) -> None:
    """uts46_remap() (non-transitional, no STD3 rules) maps like idna.uts46_remap, with its error text."""
    assert _outcome(_idna.uts46_remap, domain) == _outcome(idna.uts46_remap, domain, False, False)


def test_the_vectors_reach_every_rule() -> None:
    """Each of idna's label error texts is raised by some vector, so every check is exercised."""
    texts = set()
    for label in VECTORS["labels"]:
        for function in (idna.check_label, idna.ulabel, idna.check_bidi):
            outcome = _outcome(function, label)
            if outcome[0] == "error":
                texts.add(outcome[1].split(" ", 2)[0] + " " + outcome[1].split(" ", 2)[1])
    assert {"Label has", "Label must", "Label begins", "Label too", "Joiner U+200C", "Invalid direction",
            "First codepoint", "Can not", "Label ends", "Malformed A-label,", "A-label must", "Invalid A-label",
            } <= texts


def test_an_empty_label_is_refused_in_idna_words() -> None:
    """check_label and ulabel refuse an empty label with idna's "Empty Label"."""
    for name in ("check_label", "ulabel"):
        assert _outcome(getattr(_idna, name), "") == _outcome(getattr(idna, name), "") == ("error", "Empty Label")

"""The part before the @-sign: dot-atom (RFC 5322 3.2.3, RFC 6531 3.3) or quoted string (RFC 5321 4.1.2)."""

from __future__ import annotations

from core.emails._chars import ATEXT, ATEXT_DOT, check_unsafe_chars, displays, is_dot_atom, is_qtext_intl, length_reason
from core.emails._errors import EmailNotValidError

# RFC 5321 4.5.3.1.1; email-validator (and so leancore) enforces it only when strict, as longer ones exist.
LOCAL_PART_MAX_LENGTH = 64

_INTL_REFUSED = "Internationalized characters before the @-sign are not supported"


def _check_dots(local: str) -> None:
    # RFC 5322 3.2.3: dots only between atoms.
    if local.endswith("."):
        raise EmailNotValidError("An email address cannot have a period immediately before the @-sign.")
    if local.startswith("."):
        raise EmailNotValidError("An email address cannot start with a period.")
    if ".." in local:
        raise EmailNotValidError("An email address cannot have two periods in a row.")


def _quote(local: str) -> str:
    # RFC 5321 4.1.2: "the form that uses the minimum quoting possible": escape only quotes and backslashes.
    return '"' + local.replace("\\", "\\\\").replace('"', '\\"') + '"'


def validate_local_part(local: str, allow_smtputf8: bool, quoted: bool, strict: bool) -> tuple[str, str | None, bool]:
    """(normalised local part, its ASCII form or None, whether SMTPUTF8 is needed); raises if not valid."""
    if not local:
        raise EmailNotValidError("There must be something before the @-sign.")
    if strict and len(local) > LOCAL_PART_MAX_LENGTH:
        reason = length_reason(local, LOCAL_PART_MAX_LENGTH)
        raise EmailNotValidError(f"The email address is too long before the @-sign {reason}.")
    # Plain ASCII dot-atom: valid as is (an unnecessarily quoted one loses its quotes).
    if is_dot_atom(local, intl=False):
        return local, local, False

    kind = ""
    smtputf8 = False
    if is_dot_atom(local, intl=True):
        if not allow_smtputf8:
            bad = [c for c in local if c not in ATEXT_DOT]
            raise EmailNotValidError(f"{_INTL_REFUSED}: {displays(bad)}.")
        kind, smtputf8 = "dot-atom", True
    elif quoted:
        bad = [c for c in local if not is_qtext_intl(c)]
        if bad:
            raise EmailNotValidError(
                "The email address contains invalid characters in quotes before the @-sign: " + displays(bad) + "."
            )
        non_ascii = [c for c in local if not " " <= c <= "~"]
        if non_ascii:
            smtputf8 = True
            if not allow_smtputf8:
                raise EmailNotValidError(f"{_INTL_REFUSED}: {displays(non_ascii)}.")
        kind = "quoted"

    if kind:
        check_unsafe_chars(local, allow_space=kind == "quoted")
        try:
            local.encode("utf-8")
        except UnicodeEncodeError as exc:  # lone surrogates; already refused as unsafe, kept as a backstop
            raise EmailNotValidError("The email address contains an invalid character.") from exc
        if kind == "quoted":
            local = _quote(local)
        return local, None if smtputf8 else local, smtputf8

    # Not valid: say why (quoted local parts were all handled above).
    bad = [c for c in local if c not in ATEXT and c != "." and c < "\x80"]
    if bad:
        raise EmailNotValidError(
            "The email address contains invalid characters before the @-sign: " + displays(bad) + "."
        )
    _check_dots(local)
    raise EmailNotValidError("The email address contains invalid characters before the @-sign.")

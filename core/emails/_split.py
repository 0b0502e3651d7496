"""Splitting an address into display name, local part and domain (email-validator 2.4's split_email).

The rules: the first ``@`` (or ``<``) outside double quotes splits; a ``"`` opens a quoted string in which ``\\``
escapes; ``Name <addr>`` puts a display name before angle brackets. A special character followed by a combining
character that composes with it (``<`` + U+0338 is ``≮``) is not special.
"""

from __future__ import annotations

import unicodedata

from core.emails._chars import ATEXT_DOT, check_unsafe_chars, display, displays
from core.emails._errors import EmailNotValidError

# UAX #15 Stream-Safe Text Format: at most 30 combining characters follow a starter, so a window of the character,
# 30 combiners and one more decides whether it composes (email-validator uses the same window).
_COMPOSE_WINDOW = 32


def _composes(text: str, i: int) -> bool:
    """Whether NFC changes the character at ``i`` (it composes with what follows, or is itself not NFC)."""
    return unicodedata.normalize("NFC", text[i : i + _COMPOSE_WINDOW])[0] != text[i]


def _split_at_special(text: str, specials: str) -> tuple[str, str]:
    """Split at the first unquoted character of ``specials``; the right part keeps that character."""
    # In NFC text no character composes with what follows (a window of NFC text is NFC), so skip the checks.
    plain = text.isascii() or unicodedata.is_normalized("NFC", text)
    if plain and '"' not in text:
        # Nothing quoted and nothing composes: the first special character splits.
        found = [i for i in (text.find(s) for s in specials) if i >= 0]
        if found:
            return text[: min(found)], text[min(found) :]
    inside_quote = False
    escaped = False
    end = len(text)
    for i, c in enumerate(text):
        if not plain and (c >= "\x80" or (i + 1 < end and text[i + 1] >= "\x80")) and _composes(text, i):
            continue
        if inside_quote:
            if c == "\\" and not escaped:
                escaped = True
            elif c == '"' and not escaped:
                inside_quote = False
                escaped = False
            else:
                escaped = False
        elif c == '"':
            inside_quote = True
        elif c in specials:
            return text[:i], text[i:]
    # No special character: the specials always include "@", so the @-sign is missing.
    if "\uff20" in text:
        raise EmailNotValidError(
            'The email address has the "full-width" at-sign (@) character instead of a regular at-sign.'
        )
    if "\ufe6b" in text:
        raise EmailNotValidError(
            'The email address has the "small commercial at" character instead of a regular at-sign.'
        )
    raise EmailNotValidError("An email address must have an @-sign.")


def unquote(text: str) -> tuple[str, bool]:
    """Remove surrounding quotes and backslash escapes (any character may be escaped); (value, was_quoted)."""
    if not text.startswith('"'):
        return text, False
    escaped = False
    value: list[str] = []
    for i in range(1, len(text)):
        c = text[i]
        if escaped:
            value.append(c)
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == '"':
            if i != len(text) - 1:
                raise EmailNotValidError(
                    "Extra character(s) found after close quote: " + ", ".join(display(x) for x in text[i + 1 :])
                )
            break
        else:
            value.append(c)
    return "".join(value), True


def split_email(email: str) -> tuple[str | None, str, str, bool, str]:
    """(display name or None, local part as given, unquoted local part, was quoted, domain part)."""
    left, right = _split_at_special(email, "@<")
    display_name: str | None = None
    if right.startswith("<"):
        left = left.rstrip()
        display_name, quoted_name = unquote(left)
        if not quoted_name:
            bad = [c for c in display_name if (c not in ATEXT_DOT and c != " ") or c == "."]
            if bad:
                raise EmailNotValidError(
                    "The display name contains invalid characters when not quoted: " + displays(bad) + "."
                )
        check_unsafe_chars(display_name, allow_space=True)
        if ">" not in right:
            raise EmailNotValidError(
                "An open angle bracket at the start of the email address has to be followed by a close angle "
                "bracket at the end."
            )
        right = right.rstrip(" ")
        if right[-1] != ">":
            raise EmailNotValidError("There can't be anything after the email address.")
        local, domain = _split_at_special(right[1:-1], "@")
    else:
        local, domain = left, right
    if domain.startswith("@"):
        domain = domain[1:]
    unquoted, is_quoted = unquote(local)
    return display_name, local, unquoted, is_quoted, domain

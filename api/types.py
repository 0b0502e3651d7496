"""Pydantic field types for the api, backed by ``core`` or the standard library instead of heavier validators.

``EmailStr`` replaces ``pydantic.EmailStr`` (which needs email-validator, dnspython and idna): the same
behaviour - surrounding whitespace stripped, ``Name <addr>`` reduced to the address, the normalised address
returned, ``format: email`` in the OpenAPI schema, pydantic's error type and wording - with ``core.emails`` doing
the validation. One deliberate difference: a carriage return or line feed anywhere is refused (pydantic strips a
trailing one), because an address with a line break is a header-injection vector. See docs/compatibility.md.

``SettingKey`` is ``StringConstraints(pattern=SETTING_KEY_PATTERN)`` checked by Python's ``re`` instead of
pydantic-core's Rust regex engine, with the same error and the same JSON schema: a Worker that starts without a
snapshot compiles whatever Wasm code it runs for the first time, and the Rust engine's first use was a measurable
share of that start (docs/pyodide-harness.md, ``workers.nosnapshot``); ``re`` is loaded anyway.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from api import _core

# The same bound pydantic applies before parsing, so a huge body cannot make validation slow.
MAX_EMAIL_LENGTH = 2048
_NAME_CHARS = r"[\w!#$%&'*+\-/=?^_`{|}~]"
# pydantic's "pretty email" form: an optional unquoted or quoted display name, then the address in <...>.
_PRETTY_EMAIL = re.compile(
    rf'\s*(?:((?:{_NAME_CHARS}+\s+)*{_NAME_CHARS}+)|"((?:[^"]|\")+)")?\s*<(.+)>\s*'
)
_MESSAGE = "value is not a valid email address: {reason}"


def _invalid(reason: str) -> PydanticCustomError:
    return PydanticCustomError("value_error", _MESSAGE, {"reason": reason})


def normalise_email(value: str) -> str:
    """The normalised address in ``value`` (``Name <addr>`` allowed), or a pydantic ``value_error``."""
    if len(value) > MAX_EMAIL_LENGTH:
        raise _invalid(f"Length must not exceed {MAX_EMAIL_LENGTH} characters")
    if "\r" in value or "\n" in value:
        raise _invalid("An email address cannot contain a line break.")
    # core.emails (10 modules) loads on the first address, not at ``import api``: a cold start that serves no
    # registration or profile change never needs it (bench api.coldstart; worker.py preloads it for the snapshot).
    match = _PRETTY_EMAIL.fullmatch(value)
    address = match.group(3) if match else value
    try:
        return _core.emails.validate_email(address.strip()).normalized
    except _core.emails.EmailNotValidError as exc:
        raise _invalid(str(exc)) from exc


EmailStr = Annotated[str, AfterValidator(normalise_email), WithJsonSchema({"type": "string", "format": "email"})]
"""A str field holding a valid email address, normalised (``core.emails``); ``format: email`` in OpenAPI."""

SETTING_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
# fullmatch without the anchors: Python's `$` would also match before a final newline, Rust's does not
_SETTING_KEY = re.compile(SETTING_KEY_PATTERN[1:-1])


def check_setting_key(value: str) -> str:
    """``value`` if it is a site-setting key, or pydantic's own ``string_pattern_mismatch`` error."""
    if _SETTING_KEY.fullmatch(value) is None:
        raise PydanticCustomError("string_pattern_mismatch", "String should match pattern '{pattern}'",
                                  {"pattern": SETTING_KEY_PATTERN})
    return value


SettingKey = Annotated[str, AfterValidator(check_setting_key),
                       WithJsonSchema({"type": "string", "pattern": SETTING_KEY_PATTERN})]
"""A site-setting key: a lowercase ASCII letter, then up to 63 lowercase letters, digits or underscores."""

"""The errors core.passwords raises; each carries a stable ``code`` the api layer maps to a response."""

from __future__ import annotations

from core.errors import LeancoreError


class PasswordError(LeancoreError):
    """Base class of every error raised by ``core.passwords``."""

    code = "password_error"


class MalformedHashError(PasswordError, ValueError):
    """A stored hash string names a known scheme but does not follow its format (a data error, not a login failure)."""

    code = "malformed_password_hash"


class UnknownHashError(PasswordError, ValueError):
    """A stored hash string belongs to no scheme this module verifies."""

    code = "unknown_password_hash"


class InvalidPasswordError(PasswordError, ValueError):
    """The password is not ``str``/``bytes`` or is a ``str`` that cannot be encoded as UTF-8 (lone surrogates)."""

    code = "invalid_password"


class PasswordTooLongError(PasswordError, ValueError):
    """The password exceeds the policy's byte limit (a bound against CPU-exhaustion input, as in passlib)."""

    code = "password_too_long"


class InvalidPolicyError(PasswordError, ValueError):
    """A ``PasswordHasher`` was configured with parameters outside the supported range."""

    code = "invalid_password_policy"

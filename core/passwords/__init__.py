"""Password hashing: PBKDF2-HMAC-SHA256 in passlib's format, legacy bcrypt verification, rehash-on-login.

Replaces ``passlib[bcrypt]`` with the standard library alone (the ``bcrypt`` package is used when importable).
``CryptContext`` is passlib's ``CryptContext`` for ``pbkdf2_sha256``, ``bcrypt`` and ``django_pbkdf2_sha256``.
"""

from __future__ import annotations

from core.passwords._context import CryptContext
from core.passwords._errors import (
    InvalidPasswordError,
    InvalidPolicyError,
    MalformedHashError,
    PasswordError,
    PasswordTooLongError,
    UnknownHashError,
)
from core.passwords._hasher import (
    DEFAULT_HASHER,
    DEFAULT_MAX_PASSWORD_BYTES,
    DEFAULT_ROUNDS,
    PasswordHasher,
    hash_password,
    identify,
    needs_rehash,
    verify_and_update,
    verify_password,
)

__all__ = [
    "DEFAULT_HASHER",
    "DEFAULT_MAX_PASSWORD_BYTES",
    "DEFAULT_ROUNDS",
    "CryptContext",
    "InvalidPasswordError",
    "InvalidPolicyError",
    "MalformedHashError",
    "PasswordError",
    "PasswordHasher",
    "PasswordTooLongError",
    "UnknownHashError",
    "hash_password",
    "identify",
    "needs_rehash",
    "verify_and_update",
    "verify_password",
]

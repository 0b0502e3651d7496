"""Hash strings of the PBKDF2-HMAC-SHA256 schemes: passlib's ``$pbkdf2-sha256$`` and Django's ``pbkdf2_sha256$``.

passlib (``passlib.handlers.pbkdf2``): ``$pbkdf2-sha256$<rounds>$<ab64 salt>$<ab64 checksum>``, rounds a decimal
without leading zeros in 1..2**32-1, salt 0-1024 bytes, checksum 32 bytes.
Django (``django.contrib.auth.hashers.PBKDF2PasswordHasher``): ``pbkdf2_sha256$<iterations>$<salt>$<b64 hash>``,
the salt used as its UTF-8 text, the hash standard base64 with padding. Django's ``encode`` asserts only that the
salt is non-empty and holds no ``$``, so spaces, control characters and non-ASCII text are all salts it accepts;
core caps the salt at 1024 UTF-8 bytes (a bound on the work per stored hash).
"""

from __future__ import annotations

import binascii

from core.passwords._ab64 import ab64_decode, ab64_encode, only_chars
from core.passwords._errors import MalformedHashError

PASSLIB_PREFIX = "$pbkdf2-sha256$"
DJANGO_PREFIX = "pbkdf2_sha256$"
CHECKSUM_SIZE = 32  # SHA-256 output; passlib's pbkdf2_sha256.checksum_size
MAX_SALT_SIZE = 1024  # passlib's pbkdf2_sha256.max_salt_size
MAX_ROUNDS = 2**32 - 1  # passlib's pbkdf2_sha256.max_rounds (RFC 8018 leaves it open)



class Pbkdf2Hash:
    """A parsed PBKDF2-SHA256 hash: the parameters to recompute it and the checksum to compare with."""

    __slots__ = ("checksum", "django", "rounds", "salt")

    def __init__(self, rounds: int, salt: bytes, checksum: bytes, django: bool = False) -> None:
        self.rounds = rounds
        self.salt = salt
        self.checksum = checksum
        self.django = django

    def to_string(self) -> str:
        """The hash in its scheme's textual format."""
        if self.django:
            checksum = binascii.b2a_base64(self.checksum, newline=False).decode("ascii")
            return f"{DJANGO_PREFIX}{self.rounds}${self.salt.decode('utf-8')}${checksum}"
        return f"{PASSLIB_PREFIX}{self.rounds}${ab64_encode(self.salt)}${ab64_encode(self.checksum)}"


def _rounds(text: str, hashed: str) -> int:
    # Decimal ASCII digits without leading zeros: passlib refuses zero-padded rounds too.
    if not (text.isascii() and text.isdigit() and text[0] != "0" and len(text) <= 10) or int(text) > MAX_ROUNDS:
        raise MalformedHashError(f"invalid PBKDF2 rounds {text!r} in {hashed[:32]!r}")
    return int(text)


def parse_passlib(hashed: str) -> Pbkdf2Hash:
    """Parse ``$pbkdf2-sha256$rounds$salt$checksum``; MalformedHashError for anything else."""
    parts = hashed[len(PASSLIB_PREFIX) :].split("$")
    if len(parts) != 3:
        raise MalformedHashError("a $pbkdf2-sha256$ hash has three fields: rounds, salt, checksum")
    rounds = _rounds(parts[0], hashed)
    salt = ab64_decode(parts[1])
    if salt is None or len(salt) > MAX_SALT_SIZE:
        raise MalformedHashError("the salt of a $pbkdf2-sha256$ hash is not canonical ab64 of at most 1024 bytes")
    checksum = ab64_decode(parts[2])
    if checksum is None or len(checksum) != CHECKSUM_SIZE:
        raise MalformedHashError("the checksum of a $pbkdf2-sha256$ hash is not canonical ab64 of 32 bytes")
    return Pbkdf2Hash(rounds, salt, checksum)


def parse_django(hashed: str) -> Pbkdf2Hash:
    """Parse Django's ``pbkdf2_sha256$iterations$salt$hash``; MalformedHashError for anything else."""
    parts = hashed[len(DJANGO_PREFIX) :].split("$")
    if len(parts) != 3:
        raise MalformedHashError("a Django pbkdf2_sha256$ hash has three fields: iterations, salt, hash")
    rounds = _rounds(parts[0], hashed)
    encoded = parts[2]
    try:
        salt = parts[1].encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: Django's force_bytes fails on it too
        raise MalformedHashError("the salt of a Django pbkdf2_sha256$ hash is not UTF-8 text") from exc
    # 32 bytes in standard padded base64: 43 characters and one "=".
    if not 0 < len(salt) <= MAX_SALT_SIZE or len(encoded) != 44 or encoded[43] != "=" or not only_chars(
        encoded[:43], "+/"
    ):
        raise MalformedHashError("the salt or hash field of a Django pbkdf2_sha256$ hash is malformed")
    try:
        checksum = binascii.a2b_base64(encoded)
    except binascii.Error as exc:  # unreachable after the checks above; kept so no binascii.Error can leak
        raise MalformedHashError("the hash field of a Django pbkdf2_sha256$ hash is not base64") from exc
    if binascii.b2a_base64(checksum, newline=False).decode("ascii") != encoded:
        raise MalformedHashError("the hash field of a Django pbkdf2_sha256$ hash is not canonical base64")
    return Pbkdf2Hash(rounds, salt, checksum, django=True)

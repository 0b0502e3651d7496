"""Hash strings of the PBKDF2-HMAC-SHA256 schemes: passlib's ``$pbkdf2-sha256$`` and Django's ``pbkdf2_sha256$``.

passlib (``passlib.handlers.pbkdf2``): ``$pbkdf2-sha256$<rounds>$<ab64 salt>$<ab64 checksum>``, rounds a decimal
without leading zeros in 1..2**32-1, salt 0-1024 bytes, checksum 32 bytes.
Django (``django.contrib.auth.hashers.PBKDF2PasswordHasher``): ``pbkdf2_sha256$<iterations>$<salt>$<b64 hash>``,
the salt used as its UTF-8 text, the hash standard base64 with padding.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from core.passwords._ab64 import ab64_decode, ab64_encode
from core.passwords._errors import MalformedHashError

PASSLIB_PREFIX = "$pbkdf2-sha256$"
DJANGO_PREFIX = "pbkdf2_sha256$"
CHECKSUM_SIZE = 32  # SHA-256 output; passlib's pbkdf2_sha256.checksum_size
MAX_SALT_SIZE = 1024  # passlib's pbkdf2_sha256.max_salt_size
MAX_ROUNDS = 2**32 - 1  # passlib's pbkdf2_sha256.max_rounds (RFC 8018 leaves it open)

_ROUNDS = re.compile(r"[1-9][0-9]{0,9}")  # no leading zeros: passlib refuses zero-padded rounds too
_DJANGO_SALT = re.compile(rf"[^$\s]{{1,{MAX_SALT_SIZE}}}")
_DJANGO_HASH = re.compile(r"[A-Za-z0-9+/]{43}=")  # 32 bytes in standard padded base64


@dataclass(frozen=True)
class Pbkdf2Hash:
    """A parsed PBKDF2-SHA256 hash: the parameters to recompute it and the checksum to compare with."""

    rounds: int
    salt: bytes
    checksum: bytes
    django: bool = False

    def to_string(self) -> str:
        """The hash in its scheme's textual format."""
        if self.django:
            checksum = base64.b64encode(self.checksum).decode("ascii")
            return f"{DJANGO_PREFIX}{self.rounds}${self.salt.decode('utf-8')}${checksum}"
        return f"{PASSLIB_PREFIX}{self.rounds}${ab64_encode(self.salt)}${ab64_encode(self.checksum)}"


def _rounds(text: str, hashed: str) -> int:
    if not _ROUNDS.fullmatch(text) or not 1 <= int(text) <= MAX_ROUNDS:
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
    if not _DJANGO_SALT.fullmatch(parts[1]) or not _DJANGO_HASH.fullmatch(parts[2]):
        raise MalformedHashError("the salt or hash field of a Django pbkdf2_sha256$ hash is malformed")
    try:
        checksum = base64.b64decode(parts[2], validate=True)
    except binascii.Error as exc:  # unreachable after the regex; kept so no binascii.Error can leak
        raise MalformedHashError("the hash field of a Django pbkdf2_sha256$ hash is not base64") from exc
    if base64.b64encode(checksum).decode("ascii") != parts[2]:
        raise MalformedHashError("the hash field of a Django pbkdf2_sha256$ hash is not canonical base64")
    return Pbkdf2Hash(rounds, parts[1].encode("utf-8"), checksum, django=True)

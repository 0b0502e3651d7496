"""Verification of bcrypt hashes (``$2a$ $2b$ $2x$ $2y$``, costs 4-31): native ``bcrypt`` if importable, else pure.

Format (OpenBSD ``bcrypt.c``): ``$2b$<cost, two digits>$<22 chars: 16-byte salt><31 chars: 23-byte checksum>`` in
bcrypt's base64 alphabet ``./A-Za-z0-9``. pyca/bcrypt 4.x/5.x hashes every label identically, ``$2x$`` included.

The key is the password's bytes plus a terminating NUL, cut at 72 bytes (the Blowfish key limit): passwords
longer than 72 bytes verify on their first 72 bytes, as bcrypt 4.x, passlib and OpenBSD do (bcrypt 5.0 refuses
them; docs/compatibility.md). NUL bytes inside a password are key bytes like any other, as in pyca/bcrypt.
"""

from __future__ import annotations

import binascii
from types import ModuleType  # not typing.TYPE_CHECKING: importing typing costs ~15 ms (import-time budget)

from core.passwords._ab64 import only_chars
from core.passwords._errors import MalformedHashError

PREFIXES = ("$2a$", "$2b$", "$2x$", "$2y$")
# 18 Blowfish P-array words of 4 bytes (Provos & Mazières 1999, "A Future-Adaptable Password Scheme")
MAX_KEY_BYTES = 72
MIN_COST, MAX_COST = 4, 31  # OpenBSD's BCRYPT_MINLOGROUNDS / 2**31 rounds, as pyca/bcrypt accepts
_HASH_LENGTH = 60  # "$2b$" + "NN$" + 22 + 31
_BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TO_STD = str.maketrans(_BCRYPT_ALPHABET, _STD_ALPHABET)
_FROM_STD = str.maketrans(_STD_ALPHABET, _BCRYPT_ALPHABET)


class BcryptHash:
    """A parsed bcrypt hash."""

    __slots__ = ("checksum", "cost", "ident", "salt")

    def __init__(self, ident: str, cost: int, salt: bytes, checksum: bytes) -> None:
        self.ident = ident
        self.cost = cost
        self.salt = salt
        self.checksum = checksum

    @property
    def setting(self) -> str:
        """``$2b$NN$<salt>``: what ``bcrypt.hashpw`` takes as its salt argument."""
        return f"$2{self.ident}${self.cost:02d}${bcrypt_b64encode(self.salt)}"


def bcrypt_b64encode(data: bytes) -> str:
    """bcrypt's base64: its own alphabet, no padding."""
    return binascii.b2a_base64(data, newline=False).decode("ascii").translate(_FROM_STD).rstrip("=")


def _b64decode(text: str, size: int) -> bytes:
    try:
        data = binascii.a2b_base64(text.translate(_TO_STD) + "=" * (-len(text) % 4))
    except binascii.Error as exc:  # unreachable after parse's checks; kept so no binascii.Error can leak
        raise MalformedHashError("bcrypt hash is not bcrypt-base64") from exc
    # Unused trailing bits must be zero: pyca/bcrypt refuses such a salt ("Invalid salt") and no library writes one.
    if len(data) != size or bcrypt_b64encode(data) != text:
        raise MalformedHashError("bcrypt salt or checksum is not canonical bcrypt-base64")
    return data


def is_bcrypt(text: str) -> bool:
    """Whether a hash string carries a bcrypt label."""
    return text.startswith(PREFIXES)


def parse(text: str) -> BcryptHash:
    """Parse a bcrypt hash; MalformedHashError unless it is exactly label, two-digit cost 04-31, salt, checksum."""
    cost_text, body = text[4:6], text[7:]
    if len(text) != _HASH_LENGTH or text[6] != "$" or not (cost_text.isascii() and cost_text.isdigit()) or not (
        only_chars(body, "./")
    ):
        raise MalformedHashError("a bcrypt hash is $2b$<cost>$ followed by 53 characters of ./A-Za-z0-9")
    ident, salt_text, checksum_text = text[2], body[:22], body[22:]
    cost = int(cost_text)
    if not MIN_COST <= cost <= MAX_COST:
        raise MalformedHashError(f"bcrypt cost {cost} is outside {MIN_COST}..{MAX_COST}")
    return BcryptHash(ident, cost, _b64decode(salt_text, 16), _b64decode(checksum_text, 23))


_native_module: ModuleType | None = None
_native_probed = False


def native_module() -> ModuleType | None:
    """The ``bcrypt`` package if importable (imported on first use, never at import time), else None."""
    global _native_module, _native_probed  # noqa: PLW0603 - a once-only lazy import cache
    if not _native_probed:
        import importlib  # lazy: only when a bcrypt hash is first verified

        try:
            _native_module = importlib.import_module("bcrypt")
        except ImportError:
            _native_module = None
        _native_probed = True
    return _native_module


def engine_name(*, pure: bool = False) -> str:
    """``"native"`` when verification uses the ``bcrypt`` package, ``"pure"`` for the pure-Python EksBlowfish."""
    return "native" if not pure and native_module() is not None else "pure"


def checksum(password: bytes, parsed: BcryptHash, *, pure: bool = False) -> bytes:
    """The 23-byte bcrypt checksum of a password under a parsed hash's cost and salt."""
    secret = password[:MAX_KEY_BYTES]
    native = None if pure else native_module()
    if native is not None:
        computed = native.hashpw(secret, parsed.setting.encode("ascii"))
        return _b64decode(computed.decode("ascii")[-31:], 23)
    # Imported here: the unrolled engine is large, and only interpreters without `bcrypt` verifying a bcrypt hash
    # need it (import-time budget).
    from core.passwords._eksblowfish import bcrypt_raw

    key = (secret + b"\0")[:MAX_KEY_BYTES]
    return bcrypt_raw(parsed.cost, parsed.salt, key)[:23]


def verify(password: bytes, text: str, *, pure: bool = False) -> bool:
    """Whether the password matches a bcrypt hash string (constant-time comparison)."""
    import hmac  # lazy: hmac loads OpenSSL's _hashlib (import-time budget)

    parsed = parse(text)
    return hmac.compare_digest(checksum(password, parsed, pure=pure), parsed.checksum)

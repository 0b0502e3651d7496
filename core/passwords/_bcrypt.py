"""Verification of bcrypt hashes (``$2a$ $2b$ $2x$ $2y$``, costs 4-31): native ``bcrypt`` if importable, else pure.

Format (OpenBSD ``bcrypt.c``): ``$2b$<cost, two digits>$<22 chars: 16-byte salt><31 chars: 23-byte checksum>`` in
bcrypt's base64 alphabet ``./A-Za-z0-9``. ``$2a$ $2b$ $2y$`` hash alike, with the native package when importable;
``$2x$`` is crypt_blowfish's sign-extension bug and ``$2a$`` may carry its safety flip (``_bf_key``): those two
variants exist only in the pure engine, so they never reach the native package (pyca/bcrypt hashes ``$2x$`` as
``$2b$``, which refuses most of those users).

The last character of the salt and of the checksum carries 4 and 2 unused bits. Hashes with non-zero unused bits
(passlib before 1.5.3 made such salts) verify as passlib 1.7.4 verifies them, with the bits ignored as OpenBSD's
and crypt_blowfish's decoders ignore them, and count as outdated so the next correct login rewrites them
(pyca/bcrypt refuses such a salt, "Invalid salt"; docs/compatibility.md).

The key is the password's bytes plus a terminating NUL, cut at 72 bytes (the Blowfish key limit): passwords
longer than 72 bytes verify on their first 72 bytes, as bcrypt 4.x, passlib and OpenBSD do (bcrypt 5.0 refuses
them; docs/compatibility.md). NUL bytes inside a password are key bytes like any other, as in pyca/bcrypt.
"""

from __future__ import annotations

import binascii
import os
from types import ModuleType  # not typing.TYPE_CHECKING: `import typing` costs ~7 ms of CPU on CPython 3.11

from core.passwords._ab64 import only_chars
from core.passwords._bf_key import SAFETY_BIT, buggy_words, correct_words, needs_safety_flip
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

    __slots__ = ("canonical", "checksum", "cost", "ident", "salt")

    def __init__(self, ident: str, cost: int, salt: bytes, checksum: bytes, canonical: bool = True) -> None:
        self.ident = ident
        self.cost = cost
        self.salt = salt
        self.checksum = checksum
        # False when the stored salt or checksum had non-zero unused bits (see the module doc)
        self.canonical = canonical

    @property
    def setting(self) -> str:
        """``$2b$NN$<salt>``: what ``bcrypt.hashpw`` takes as its salt argument."""
        return f"$2{self.ident}${self.cost:02d}${bcrypt_b64encode(self.salt)}"

    def to_string(self) -> str:
        """The canonical hash string."""
        return self.setting + bcrypt_b64encode(self.checksum)


def bcrypt_b64encode(data: bytes) -> str:
    """bcrypt's base64: its own alphabet, no padding."""
    return binascii.b2a_base64(data, newline=False).decode("ascii").translate(_FROM_STD).rstrip("=")


def _b64decode(text: str, size: int) -> tuple[bytes, bool]:
    """The decoded bytes (unused trailing bits dropped, as binascii does) and whether the text was canonical."""
    try:
        data = binascii.a2b_base64(text.translate(_TO_STD) + "=" * (-len(text) % 4))
    except binascii.Error as exc:  # unreachable after parse's checks; kept so no binascii.Error can leak
        raise MalformedHashError("bcrypt hash is not bcrypt-base64") from exc
    if len(data) != size:  # unreachable after parse's length check; kept as the decoder's own guarantee
        raise MalformedHashError("bcrypt salt or checksum has the wrong length")
    return data, bcrypt_b64encode(data) == text


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
    (salt, salt_ok), (check, check_ok) = _b64decode(salt_text, 16), _b64decode(checksum_text, 23)
    return BcryptHash(ident, cost, salt, check, salt_ok and check_ok)


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


def checksum(password: bytes, parsed: BcryptHash, *, pure: bool = False, safety: bool = False) -> bytes:
    """The 23-byte bcrypt checksum of a password under a parsed hash's label, cost and salt.

    ``$2x$`` uses the sign-extension bug's key words; ``safety=True`` applies crypt_blowfish's ``$2a$`` flip. Both
    run in the pure engine (the native package implements neither); everything else uses the native package when
    importable and ``pure`` is false.
    """
    secret = password[:MAX_KEY_BYTES]
    native = None if pure or safety or parsed.ident == "x" else native_module()
    if native is not None:
        computed = native.hashpw(secret, parsed.setting.encode("ascii"))
        return _b64decode(computed.decode("ascii")[-31:], 23)[0]
    # Imported here: the unrolled engine is large, and only interpreters without `bcrypt` verifying a bcrypt hash
    # need it (import-time budget).
    from core.passwords._eksblowfish import bcrypt_raw

    words = buggy_words(secret)[0] if parsed.ident == "x" else correct_words(secret)
    return bcrypt_raw(parsed.cost, parsed.salt, words, SAFETY_BIT if safety else 0)[:23]


def verify(password: bytes, text: str, *, pure: bool = False) -> bool:
    """Whether the password matches a bcrypt hash string (constant-time comparison).

    A ``$2a$`` hash also matches when crypt_blowfish (1.1+, PHP 5.3.7+) made it with its safety flip, which only
    ``bytes`` passwords holding 0xFF can need: only those pay a second, pure-engine computation.
    """
    import hmac  # lazy: hmac loads OpenSSL's _hashlib (import-time budget)

    parsed = parse(text)
    if hmac.compare_digest(checksum(password, parsed, pure=pure), parsed.checksum):
        return True
    if parsed.ident == "a" and needs_safety_flip(password):
        return hmac.compare_digest(checksum(password, parsed, pure=pure, safety=True), parsed.checksum)
    return False


def hash_new(password: bytes, cost: int, ident: str, *, pure: bool = False) -> str:
    """A new bcrypt hash (``ident`` one of ``2a 2b 2y``, all computed alike) with a fresh random 16-byte salt."""
    fresh = BcryptHash(ident[1:], cost, os.urandom(16), b"")
    fresh.checksum = checksum(password, fresh, pure=pure)
    return fresh.to_string()

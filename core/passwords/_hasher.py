"""The password policy: which scheme new hashes use, with which parameters, and which stored hashes are outdated.

By default new hashes are PBKDF2-HMAC-SHA256 in passlib's format. 600,000 rounds is OWASP's Password Storage Cheat
Sheet figure for PBKDF2-HMAC-SHA256 (2023). Stored bcrypt hashes (and Django PBKDF2 hashes) verify and count as
outdated, so ``verify_and_update`` moves every user to the policy on their next successful login. A policy may also
make bcrypt or Django hashes (``scheme=``): that is what ``CryptContext`` builds on for passlib's configurations.

Each scheme is one small class (``Scheme``, after pwdlib's ``HasherProtocol``: identify, verify, hash, needs
rehash); the policy finds a stored hash's scheme once per call and leaves the format to it.
"""

from __future__ import annotations

import os

from core.passwords import _bcrypt
from core.passwords._errors import (
    InvalidPasswordError,
    InvalidPolicyError,
    MalformedHashError,
    PasswordTooLongError,
    UnknownHashError,
)
from core.passwords._pbkdf2 import pbkdf2_sha256
from core.passwords._pbkdf2_format import (
    CHECKSUM_SIZE,
    DJANGO_PREFIX,
    MAX_ROUNDS,
    MAX_SALT_SIZE,
    PASSLIB_PREFIX,
    Pbkdf2Hash,
    parse_django,
    parse_passlib,
)

TYPE_CHECKING = False  # typing costs import time (import core.passwords budget); annotations are strings anyway
if TYPE_CHECKING:
    from typing import Protocol

    class Scheme(Protocol):
        """One hash format, as pwdlib's ``HasherProtocol``: recognise, verify, hash and judge a stored hash.

        Stored hashes reach a scheme as checked text (``_hash_text``) and passwords as UTF-8 bytes within the
        policy's length limit; the policy supplies the parameters of new hashes and the rehash thresholds.
        """

        name: str
        default_rounds: int
        rounds_range: tuple[int, int]

        def identify(self, text: str) -> bool: ...
        def verify(self, secret: bytes, text: str, *, pure: bool) -> bool: ...
        def hash(self, secret: bytes, policy: PasswordHasher) -> str: ...
        def needs_rehash(self, text: str, policy: PasswordHasher) -> bool: ...


DEFAULT_ROUNDS = 600_000  # OWASP Password Storage Cheat Sheet (2023), PBKDF2-HMAC-SHA256
# bcrypt cost of new bcrypt hashes: passlib 1.7.4's default (OWASP asks for at least 10). 2**12 EksBlowfish rounds
# measured ~0.24 s with the native package and ~16 s in the pure engine on CPython 3.11.
DEFAULT_BCRYPT_COST = 12
BCRYPT_IDENTS = ("2a", "2b", "2y")  # labels new hashes may carry; all hash alike (``$2x$`` is the bug: never made)
DEFAULT_SALT_SIZE = 16  # 128 bits: NIST SP 800-132 §5.1 asks for at least 128; passlib's default too
MIN_SALT_SIZE = 16
# passlib.utils.MAX_PASSWORD_SIZE: longer passwords are refused for hashing and verifying alike, so a request
# cannot make the server hash megabytes (PBKDF2 hashes a long key once; this bound keeps that cheap).
DEFAULT_MAX_PASSWORD_BYTES = 4096
# No stored hash of any supported scheme is longer than this (a 1024-byte salt in ab64 is 1366 characters).
MAX_HASH_LENGTH = 2048

SCHEME_PBKDF2_SHA256 = "pbkdf2-sha256"
SCHEME_DJANGO_PBKDF2_SHA256 = "django-pbkdf2-sha256"
SCHEME_BCRYPT = "bcrypt"
SCHEMES = (SCHEME_PBKDF2_SHA256, SCHEME_BCRYPT, SCHEME_DJANGO_PBKDF2_SHA256)
# Django's salt alphabet (django.utils.crypto.RANDOM_STRING_CHARS); 22 of them carry 128 bits, Django's salt_entropy.
_DJANGO_SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class _Pbkdf2:
    """PBKDF2-HMAC-SHA256 with a 32-byte checksum; the subclasses differ in format and salt."""

    default_rounds = DEFAULT_ROUNDS
    rounds_range = (1, MAX_ROUNDS)
    name: str
    prefix: str

    def identify(self, text: str) -> bool:
        return text.startswith(self.prefix)

    def parse(self, text: str) -> Pbkdf2Hash:
        raise NotImplementedError

    def salt(self, size: int) -> bytes:
        raise NotImplementedError

    def verify(self, secret: bytes, text: str, *, pure: bool) -> bool:
        parsed = self.parse(text)
        computed = pbkdf2_sha256(secret, parsed.salt, parsed.rounds, CHECKSUM_SIZE, pure=pure)
        import hmac  # lazy: hmac loads OpenSSL's _hashlib (import-time budget)

        return hmac.compare_digest(computed, parsed.checksum)

    def hash(self, secret: bytes, policy: PasswordHasher) -> str:
        salt = self.salt(policy.salt_size)
        checksum = pbkdf2_sha256(secret, salt, policy.rounds, CHECKSUM_SIZE, pure=policy.pure_python)
        return Pbkdf2Hash(policy.rounds, salt, checksum, django=self.prefix == DJANGO_PREFIX).to_string()

    def needs_rehash(self, text: str, policy: PasswordHasher) -> bool:
        parsed = self.parse(text)  # parsed even for another policy's scheme: a malformed hash is reported as such
        return policy.scheme != self.name or _outside(policy, parsed.rounds) or self.short_salt(parsed)

    def short_salt(self, parsed: Pbkdf2Hash) -> bool:
        return False


class PasslibPbkdf2(_Pbkdf2):
    """passlib's ``$pbkdf2-sha256$<rounds>$<ab64 salt>$<ab64 checksum>``, the default scheme."""

    name = SCHEME_PBKDF2_SHA256
    prefix = PASSLIB_PREFIX

    def parse(self, text: str) -> Pbkdf2Hash:
        return parse_passlib(text)

    def salt(self, size: int) -> bytes:
        return os.urandom(size)

    def short_salt(self, parsed: Pbkdf2Hash) -> bool:
        return len(parsed.salt) < MIN_SALT_SIZE


class DjangoPbkdf2(_Pbkdf2):
    """Django's ``pbkdf2_sha256$<iterations>$<salt>$<b64 hash>``: a text salt (any characters but ``$``)."""

    name = SCHEME_DJANGO_PBKDF2_SHA256
    prefix = DJANGO_PREFIX

    def parse(self, text: str) -> Pbkdf2Hash:
        return parse_django(text)

    def salt(self, size: int) -> bytes:
        import secrets  # lazy: only Django-scheme policies draw a text salt

        count = -(-size * 8 * 1000 // 5954)  # log2(62) = 5.954 bits per character, rounded up
        return "".join(secrets.choice(_DJANGO_SALT_CHARS) for _ in range(count)).encode("ascii")


class Bcrypt:
    """``$2a$ $2b$ $2x$ $2y$`` hashes: the native ``bcrypt`` package when importable, else the pure engine."""

    name = SCHEME_BCRYPT
    default_rounds = DEFAULT_BCRYPT_COST
    rounds_range = (_bcrypt.MIN_COST, _bcrypt.MAX_COST)

    def identify(self, text: str) -> bool:
        return _bcrypt.is_bcrypt(text)

    def verify(self, secret: bytes, text: str, *, pure: bool) -> bool:
        return _bcrypt.verify(secret, text, pure=pure)

    def hash(self, secret: bytes, policy: PasswordHasher) -> str:
        return _bcrypt.hash_new(secret, policy.rounds, policy.bcrypt_ident, pure=policy.pure_python)

    def needs_rehash(self, text: str, policy: PasswordHasher) -> bool:
        parsed = _bcrypt.parse(text)
        return (policy.scheme != self.name or parsed.ident == "x" or not parsed.canonical
                or _outside(policy, parsed.cost))


def _outside(policy: PasswordHasher, rounds: int) -> bool:
    """Whether a stored hash's rounds (bcrypt cost) fall outside the policy's ``min_rounds..max_rounds``."""
    return rounds < policy.min_rounds or (policy.max_rounds is not None and rounds > policy.max_rounds)


# In identification order (the prefixes do not overlap); SCHEMES lists the names in the order messages give them.
_SCHEMES: tuple[Scheme, ...] = (PasslibPbkdf2(), DjangoPbkdf2(), Bcrypt())
_BY_NAME: dict[str, Scheme] = {scheme.name: scheme for scheme in _SCHEMES}


def identify(hashed: str | bytes) -> str:
    """The scheme of a stored hash: ``pbkdf2-sha256``, ``django-pbkdf2-sha256`` or ``bcrypt``; typed errors else."""
    return _stored(hashed)[1].name


def _stored(hashed: object) -> tuple[str, Scheme]:
    """A stored hash's checked text and the scheme it belongs to; typed errors for a malformed or unknown hash."""
    text = _hash_text(hashed)
    return text, _scheme_of(text)


def _scheme_of(text: str) -> Scheme:
    for scheme in _SCHEMES:
        if scheme.identify(text):
            return scheme
    raise UnknownHashError("the stored hash belongs to no supported scheme")


def _hash_text(hashed: object) -> str:
    if isinstance(hashed, bytes):
        try:
            hashed = hashed.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedHashError("a stored hash is ASCII text (UTF-8 in a Django salt)") from exc
    if not isinstance(hashed, str):
        raise MalformedHashError(f"a stored hash is str or bytes, not {type(hashed).__name__}")
    # Django's salt is any text without "$" (its hasher asserts only that), so only a Django hash may be non-ASCII.
    if len(hashed) > MAX_HASH_LENGTH or not (hashed.isascii() or hashed.startswith(DJANGO_PREFIX)):
        raise MalformedHashError("a stored hash is ASCII text of at most 2048 characters")
    return hashed


class PasswordHasher:
    """A password policy: the scheme and parameters of new hashes and the thresholds for rehashing old ones.

    ``scheme``: ``"pbkdf2-sha256"`` (passlib's format, the default), ``"bcrypt"`` or ``"django-pbkdf2-sha256"``.
    ``rounds``: PBKDF2 iterations (default 600,000) or the bcrypt cost (default 12) of new hashes. ``min_rounds``
    / ``max_rounds``: stored hashes of the policy's scheme outside them need a rehash (default: ``rounds`` / none).
    ``salt_size``: bytes of random salt (a Django salt draws as many bits from its 62 characters; bcrypt's is 16).
    ``bcrypt_ident``: the label of new bcrypt hashes, ``"2b"`` (default), ``"2a"`` or ``"2y"``.
    ``max_password_bytes``: longer (UTF-8) passwords are refused with PasswordTooLongError. ``pure_python``: use
    the pure-Python PBKDF2 and bcrypt engines even where ``hashlib.pbkdf2_hmac`` / the ``bcrypt`` package exist
    (tests; Pyodide uses them regardless). Hashes of another scheme than the policy's always need a rehash.
    Hashing is synchronous and CPU-bound: the api layer runs it in a worker thread where threads exist.
    """

    __slots__ = ("_bcrypt_ident", "_impl", "_max_password_bytes", "_max_rounds", "_min_rounds", "_pure_python",
                 "_rounds", "_salt_size", "_scheme")

    def __init__(
        self,
        rounds: int | None = None,
        *,
        min_rounds: int | None = None,
        max_rounds: int | None = None,
        salt_size: int = DEFAULT_SALT_SIZE,
        max_password_bytes: int = DEFAULT_MAX_PASSWORD_BYTES,
        pure_python: bool = False,
        scheme: str = SCHEME_PBKDF2_SHA256,
        bcrypt_ident: str = "2b",
    ) -> None:
        impl = _BY_NAME.get(scheme) if isinstance(scheme, str) else None
        if impl is None:
            raise InvalidPolicyError(f"scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
        if rounds is None:
            rounds = impl.default_rounds
        min_rounds = rounds if min_rounds is None else min_rounds
        for name, value in (("rounds", rounds), ("min_rounds", min_rounds), ("salt_size", salt_size),
                            ("max_password_bytes", max_password_bytes), ("max_rounds", max_rounds or rounds)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidPolicyError(f"{name} must be an int, not {type(value).__name__}")
        low, high = impl.rounds_range
        if not low <= rounds <= high:
            raise InvalidPolicyError(f"rounds must be in {low}..{high} for {scheme}")
        if not 1 <= min_rounds <= rounds:
            raise InvalidPolicyError("min_rounds must be in 1..rounds (else fresh hashes would need a rehash)")
        if max_rounds is not None and max_rounds < rounds:
            raise InvalidPolicyError("max_rounds must be at least rounds (else fresh hashes would need a rehash)")
        if not MIN_SALT_SIZE <= salt_size <= MAX_SALT_SIZE:
            raise InvalidPolicyError(f"salt_size must be in {MIN_SALT_SIZE}..{MAX_SALT_SIZE} bytes")
        if max_password_bytes < 1:
            raise InvalidPolicyError("max_password_bytes must be positive")
        if bcrypt_ident not in BCRYPT_IDENTS:
            raise InvalidPolicyError(f"bcrypt_ident must be one of {', '.join(BCRYPT_IDENTS)}, not {bcrypt_ident!r}")
        self._scheme = scheme
        self._impl = impl
        self._rounds = rounds
        self._min_rounds = min_rounds
        self._max_rounds = max_rounds
        self._salt_size = salt_size
        self._max_password_bytes = max_password_bytes
        self._pure_python = bool(pure_python)
        self._bcrypt_ident = bcrypt_ident

    @property
    def rounds(self) -> int:
        """PBKDF2 iterations (bcrypt cost) of new hashes (reported by the api's /system/status)."""
        return self._rounds

    @property
    def min_rounds(self) -> int:
        """Stored hashes of the policy's scheme with fewer rounds need a rehash."""
        return self._min_rounds

    @property
    def max_rounds(self) -> int | None:
        """Stored hashes of the policy's scheme with more rounds need a rehash (None: no upper bound)."""
        return self._max_rounds

    @property
    def salt_size(self) -> int:
        """Bytes of random salt in new hashes."""
        return self._salt_size

    @property
    def max_password_bytes(self) -> int:
        """The longest password (in UTF-8 bytes) this policy hashes or verifies."""
        return self._max_password_bytes

    @property
    def pure_python(self) -> bool:
        """Whether the pure-Python engines are forced."""
        return self._pure_python

    @property
    def scheme(self) -> str:
        """The scheme of new hashes."""
        return self._scheme

    @property
    def bcrypt_ident(self) -> str:
        """The label of new bcrypt hashes (``2b`` unless configured)."""
        return self._bcrypt_ident

    def __repr__(self) -> str:
        return (f"PasswordHasher(rounds={self._rounds}, min_rounds={self._min_rounds}, max_rounds={self._max_rounds}, "
                f"salt_size={self._salt_size}, max_password_bytes={self._max_password_bytes}, "
                f"pure_python={self._pure_python}, scheme={self._scheme!r}, bcrypt_ident={self._bcrypt_ident!r})")

    def _secret(self, password: object) -> bytes:
        if isinstance(password, str):
            try:
                password = password.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise InvalidPasswordError("the password is not encodable as UTF-8 (lone surrogate)") from exc
        if not isinstance(password, bytes):
            raise InvalidPasswordError(f"a password is str or bytes, not {type(password).__name__}")
        if len(password) > self._max_password_bytes:
            raise PasswordTooLongError(f"passwords are limited to {self._max_password_bytes} bytes")
        return password

    def hash(self, password: str | bytes) -> str:
        """A new hash of the password in the policy's scheme, with a fresh random salt and the policy's rounds.

        bcrypt keys are the password's first 72 bytes; the native ``bcrypt`` package computes them when importable.
        """
        return self._impl.hash(self._secret(password), self)

    def verify(self, password: str | bytes, hashed: str | bytes) -> bool:
        """Whether the password matches the stored hash; typed ValueError subclasses for a malformed/unknown hash."""
        secret = self._secret(password)
        text, scheme = _stored(hashed)
        return scheme.verify(secret, text, pure=self._pure_python)

    def needs_rehash(self, hashed: str | bytes) -> bool:
        """Whether a (well-formed) stored hash falls short of the policy: another scheme, rounds outside
        ``min_rounds..max_rounds``, a PBKDF2 salt under 16 bytes, a ``$2x$`` or non-canonical bcrypt hash."""
        text, scheme = _stored(hashed)
        return scheme.needs_rehash(text, self)

    def verify_and_update(self, password: str | bytes, hashed: str | bytes) -> tuple[bool, str | None]:
        """``(valid, new_hash)``: ``new_hash`` only when the password is correct and the stored hash is outdated."""
        secret = self._secret(password)
        text, scheme = _stored(hashed)  # read once, for the check and, if it matches, for the policy
        if not scheme.verify(secret, text, pure=self._pure_python):
            return False, None
        if scheme.needs_rehash(text, self):
            return True, self._impl.hash(secret, self)
        return True, None


DEFAULT_HASHER = PasswordHasher()


def hash_password(password: str | bytes) -> str:
    """Hash a password with the default policy (``DEFAULT_HASHER``)."""
    return DEFAULT_HASHER.hash(password)


def verify_password(password: str | bytes, hashed: str | bytes) -> bool:
    """Verify a password against a stored hash with the default policy."""
    return DEFAULT_HASHER.verify(password, hashed)


def needs_rehash(hashed: str | bytes) -> bool:
    """Whether a stored hash falls short of the default policy."""
    return DEFAULT_HASHER.needs_rehash(hashed)


def verify_and_update(password: str | bytes, hashed: str | bytes) -> tuple[bool, str | None]:
    """Verify, and return a new hash when the stored one is outdated (default policy)."""
    return DEFAULT_HASHER.verify_and_update(password, hashed)

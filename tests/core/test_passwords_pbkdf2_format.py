"""The PBKDF2-SHA256 hash formats (passlib's ``$pbkdf2-sha256$`` and Django's ``pbkdf2_sha256$``): parsing, every
refusal with the MalformedHashError message users see, and the textual form of parsed hashes."""

from __future__ import annotations

import base64
import hashlib

import pytest

from core.passwords import MalformedHashError, PasswordHasher
from core.passwords._pbkdf2_format import Pbkdf2Hash, parse_django, parse_passlib

SALT = "AAAAAAAAAAAAAAAAAAAAAA"  # 16 zero bytes
CHECKSUM = "dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ"  # passlib's example ("password", 1000 rounds)
PASSLIB = f"$pbkdf2-sha256$1000${SALT}${CHECKSUM}"
DJANGO_CHECKSUM = "EBBBjacyU2e+ThuL8G67NCG1tcIxYu5i+Dl5HlJJ3mM="  # "secret", salt "seasalt", 1200 iterations
DJANGO = f"pbkdf2_sha256$1200$seasalt${DJANGO_CHECKSUM}"
FAST = PasswordHasher(rounds=1000)

THREE_FIELDS = "a $pbkdf2-sha256$ hash has three fields: rounds, salt, checksum"
BAD_SALT = "the salt of a $pbkdf2-sha256$ hash is not canonical ab64 of at most 1024 bytes"
BAD_CHECKSUM = "the checksum of a $pbkdf2-sha256$ hash is not canonical ab64 of 32 bytes"
DJANGO_FIELDS = "a Django pbkdf2_sha256$ hash has three fields: iterations, salt, hash"
DJANGO_MALFORMED = "the salt or hash field of a Django pbkdf2_sha256$ hash is malformed"
DJANGO_CANONICAL = "the hash field of a Django pbkdf2_sha256$ hash is not canonical base64"


def _rounds_error(rounds: str, hashed: str) -> str:
    return f"invalid PBKDF2 rounds {rounds!r} in {hashed[:32]!r}"


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        (f"$pbkdf2-sha256$1000${SALT}", THREE_FIELDS),
        (f"$pbkdf2-sha256$1000${SALT}${CHECKSUM}$", THREE_FIELDS),
        ("$pbkdf2-sha256$", THREE_FIELDS),
        (f"$pbkdf2-sha256$${SALT}${CHECKSUM}", _rounds_error("", f"$pbkdf2-sha256$${SALT}${CHECKSUM}")),
        (f"$pbkdf2-sha256$01000${SALT}${CHECKSUM}", _rounds_error("01000", f"$pbkdf2-sha256$01000${SALT}")),
        (f"$pbkdf2-sha256$0${SALT}${CHECKSUM}", _rounds_error("0", f"$pbkdf2-sha256$0${SALT}")),
        (f"$pbkdf2-sha256$-1${SALT}${CHECKSUM}", _rounds_error("-1", f"$pbkdf2-sha256$-1${SALT}")),
        (f"$pbkdf2-sha256$+1${SALT}${CHECKSUM}", _rounds_error("+1", f"$pbkdf2-sha256$+1${SALT}")),
        (f"$pbkdf2-sha256$ 1${SALT}${CHECKSUM}", _rounds_error(" 1", f"$pbkdf2-sha256$ 1${SALT}")),
        (f"$pbkdf2-sha256$4294967296${SALT}${CHECKSUM}",
         _rounds_error("4294967296", f"$pbkdf2-sha256$4294967296${SALT}")),
        (f"$pbkdf2-sha256$10000000000${SALT}${CHECKSUM}",
         _rounds_error("10000000000", f"$pbkdf2-sha256$10000000000${SALT}")),
        (f"$pbkdf2-sha256$1000$AAAA*AAAAAAAAAAAAAAAAA${CHECKSUM}", BAD_SALT),
        (f"$pbkdf2-sha256$1000$AAAAA${CHECKSUM}", BAD_SALT),  # impossible length
        (f"$pbkdf2-sha256$1000$AB${CHECKSUM}", BAD_SALT),  # unused bits set
        (f"$pbkdf2-sha256$1000$AA==${CHECKSUM}", BAD_SALT),
        ("$pbkdf2-sha256$1000$" + "A" * 1367 + f"${CHECKSUM}", BAD_SALT),  # 1025 bytes
        (f"$pbkdf2-sha256$1000${SALT}${CHECKSUM[:-1]}", BAD_CHECKSUM),
        (f"$pbkdf2-sha256$1000${SALT}${CHECKSUM}AAAA", BAD_CHECKSUM),  # 35 bytes
        (f"$pbkdf2-sha256$1000${SALT}${CHECKSUM[:-1]}R", BAD_CHECKSUM),  # unused bits set
        (f"$pbkdf2-sha256$1000${SALT}${CHECKSUM.replace('.', '+')}", BAD_CHECKSUM),
        (f"$pbkdf2-sha256$1000${SALT}$", BAD_CHECKSUM),
    ],
)
def test_passlib_format_refusals(stored: str, message: str) -> None:
    """Each way a ``$pbkdf2-sha256$`` hash can break its format raises MalformedHashError with the message naming
    the field (passlib refuses these too; passlib is lenient about unused bits and padding, core is not)."""
    for call in (lambda h: FAST.verify("password", h), FAST.needs_rehash, parse_passlib):
        with pytest.raises(MalformedHashError) as info:
            call(stored)
        assert str(info.value) == message


def test_rounds_error_quotes_at_most_32_characters_of_the_hash() -> None:
    """The rounds error repeats only the start of the hash (32 characters), never the checksum."""
    stored = f"$pbkdf2-sha256$0001${SALT}${CHECKSUM}"
    with pytest.raises(MalformedHashError) as info:
        parse_passlib(stored)
    assert str(info.value) == "invalid PBKDF2 rounds '0001' in '$pbkdf2-sha256$0001$AAAAAAAAAAAA'"


@pytest.mark.parametrize(("rounds", "salt_text", "salt"), [
    ("1", SALT, bytes(16)),
    ("4294967295", SALT, bytes(16)),
    ("1000", "", b""),
    ("1000", "AA", b"\0"),
    ("1000", "AAA", b"\0\0"),
    ("1000", "./..", bytes.fromhex("fbffbe")),
    ("1000", "A" * 1364 + "AA", bytes(1024)),
])
def test_passlib_format_edges_parse(rounds: str, salt_text: str, salt: bytes) -> None:
    """The ends of the accepted ranges parse: rounds 1 and 2**32-1, salts of 0 to 1024 bytes in any ab64 length."""
    parsed = parse_passlib(f"$pbkdf2-sha256${rounds}${salt_text}${CHECKSUM}")
    assert (parsed.rounds, parsed.salt, parsed.django) == (int(rounds), salt, False)
    assert parsed.checksum == base64.b64decode(CHECKSUM.replace(".", "+") + "=")
    assert parsed.to_string() == f"$pbkdf2-sha256${rounds}${salt_text}${CHECKSUM}"


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ("pbkdf2_sha256$1200$seasalt", DJANGO_FIELDS),
        (f"pbkdf2_sha256$1200$sea$salt${DJANGO_CHECKSUM}", DJANGO_FIELDS),
        (f"pbkdf2_sha256$01200$seasalt${DJANGO_CHECKSUM}", _rounds_error("01200", "pbkdf2_sha256$01200$seasalt$EBBB")),
        (f"pbkdf2_sha256$٠١٢$seasalt${DJANGO_CHECKSUM}", _rounds_error("٠١٢", "pbkdf2_sha256$٠١٢$seasalt$EBBBjac")),
        (f"pbkdf2_sha256$4294967296$seasalt${DJANGO_CHECKSUM}",
         _rounds_error("4294967296", "pbkdf2_sha256$4294967296$seasalt")),
        (f"pbkdf2_sha256$1200$${DJANGO_CHECKSUM}", DJANGO_MALFORMED),  # empty salt
        ("pbkdf2_sha256$1200$" + "é" * 512 + "x$" + DJANGO_CHECKSUM, DJANGO_MALFORMED),  # 1025 UTF-8 bytes
        (f"pbkdf2_sha256$1200$seasalt${DJANGO_CHECKSUM[:-1]}", DJANGO_MALFORMED),  # no padding
        (f"pbkdf2_sha256$1200$seasalt${DJANGO_CHECKSUM}=", DJANGO_MALFORMED),
        (f"pbkdf2_sha256$1200$seasalt${DJANGO_CHECKSUM[:-1]}A", DJANGO_MALFORMED),  # 44th character not "="
        (f"pbkdf2_sha256$1200$seasalt${DJANGO_CHECKSUM[:-2]}==", DJANGO_MALFORMED),
        (f"pbkdf2_sha256$1200$seasalt${DJANGO_CHECKSUM.replace('+', '-')}", DJANGO_MALFORMED),  # urlsafe
        (f"pbkdf2_sha256$1200$seasalt${DJANGO_CHECKSUM.replace('+', '.')}", DJANGO_MALFORMED),  # ab64
        (f"pbkdf2_sha256$1200$seasalt${DJANGO_CHECKSUM[:-2]}n=", DJANGO_CANONICAL),  # unused bits set
        ("pbkdf2_sha256$1200$\ud800$" + DJANGO_CHECKSUM, "the salt of a Django pbkdf2_sha256$ hash is not UTF-8 text"),
    ],
)
def test_django_format_refusals(stored: str, message: str) -> None:
    """Each way a Django ``pbkdf2_sha256$`` hash can break its format raises MalformedHashError with its message."""
    for call in (lambda h: FAST.verify("secret", h), FAST.needs_rehash, parse_django):
        with pytest.raises(MalformedHashError) as info:
            call(stored)
        assert str(info.value) == message


@pytest.mark.cpython_only(reason="hashlib.pbkdf2_hmac is the independent oracle and Pyodide 314 has none")
@pytest.mark.parametrize("salt", ["s", "é" * 512, "a b\tc", "+/=", "x" * 1024])
def test_django_salt_edges_verify(salt: str) -> None:
    """Django salts of 1 to 1024 UTF-8 bytes, any characters but "$", parse and verify (Django accepts them)."""
    checksum = base64.b64encode(hashlib.pbkdf2_hmac("sha256", b"secret", salt.encode(), 1)).decode()
    stored = f"pbkdf2_sha256$1${salt}${checksum}"
    parsed = parse_django(stored)
    assert (parsed.rounds, parsed.salt, parsed.django) == (1, salt.encode(), True)
    assert parsed.to_string() == stored
    assert FAST.verify("secret", stored)
    assert not FAST.verify("secreT", stored)


def test_parsed_hashes_render_in_their_own_format() -> None:
    """A parsed hash renders back to its scheme's text: ab64 without padding for passlib, padded base64 for Django."""
    assert parse_passlib(PASSLIB).to_string() == PASSLIB
    assert parse_django(DJANGO).to_string() == DJANGO
    made = Pbkdf2Hash(5, b"salt", bytes(range(32)), django=True)
    assert made.to_string() == "pbkdf2_sha256$5$salt$" + base64.b64encode(bytes(range(32))).decode()
    plain = Pbkdf2Hash(5, b"\xfb\xff", bytes(range(32)))
    assert plain.django is False
    assert plain.to_string() == "$pbkdf2-sha256$5$./8$" + base64.b64encode(bytes(range(32))).decode().replace(
        "+", ".").rstrip("=")

"""The public password API: the policy object, the module-level defaults, rehash-on-login and typed errors."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core.passwords as passwords
from core.errors import LeancoreError
from core.passwords import (
    DEFAULT_HASHER,
    InvalidPasswordError,
    InvalidPolicyError,
    MalformedHashError,
    PasswordError,
    PasswordHasher,
    PasswordTooLongError,
    UnknownHashError,
)

# passlib's pbkdf2_sha256 of "password", 16 zero bytes of salt, 1000 rounds (in compat_tests/data too).
PASSLIB_EXAMPLE = "$pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ"
# bcrypt of "password" at cost 4 with a fixed salt (made with pyca/bcrypt 4.3.0; compat_tests re-check it).
BCRYPT_EXAMPLE = "$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm"
FORMAT = re.compile(r"\$pbkdf2-sha256\$(\d+)\$([./A-Za-z0-9]{22})\$([./A-Za-z0-9]{43})")
FAST = PasswordHasher(rounds=1000)
DJANGO = json.loads((Path(__file__).resolve().parents[2] / "compat_tests/data/django_pbkdf2_sha256_vectors.json")
                    .read_text(encoding="utf-8"))


@pytest.fixture(params=[False, True], ids=["engine-default", "engine-pure"])
def hasher(request: pytest.FixtureRequest) -> PasswordHasher:
    """A low-rounds policy, once with the default engines and once with the pure-Python ones forced."""
    return PasswordHasher(rounds=1000, pure_python=request.param)


def test_default_policy_is_owasp_2023() -> None:
    """The default policy hashes with 600,000 PBKDF2-HMAC-SHA256 rounds and a 16-byte salt."""
    assert DEFAULT_HASHER.rounds == passwords.DEFAULT_ROUNDS == 600_000
    assert DEFAULT_HASHER.min_rounds == 600_000
    assert DEFAULT_HASHER.salt_size == 16
    assert DEFAULT_HASHER.scheme == "pbkdf2-sha256"
    assert not DEFAULT_HASHER.pure_python


def test_module_level_functions_use_the_default_policy() -> None:
    """hash_password makes a 600,000-round hash that verify_password accepts and needs_rehash does not flag."""
    hashed = passwords.hash_password("correct horse")
    match = FORMAT.fullmatch(hashed)
    assert match is not None
    assert match.group(1) == "600000"
    assert passwords.verify_password("correct horse", hashed)
    assert not passwords.verify_password("correct horsE", hashed)
    assert not passwords.needs_rehash(hashed)
    assert passwords.verify_and_update("correct horse", hashed) == (True, None)


def test_passlib_example_verifies(hasher: PasswordHasher) -> None:
    """passlib's documented example hash verifies for its password and not for another."""
    assert hasher.verify("password", PASSLIB_EXAMPLE)
    assert not hasher.verify("Password", PASSLIB_EXAMPLE)


def test_hash_format_is_passlibs(hasher: PasswordHasher) -> None:
    """A new hash is $pbkdf2-sha256$<rounds>$<22 ab64 chars>$<43 ab64 chars> and recomputes from its parts."""
    hashed = hasher.hash("pässword")
    match = FORMAT.fullmatch(hashed)
    assert match is not None
    assert match.group(1) == "1000"


@pytest.mark.cpython_only(reason="hashlib.pbkdf2_hmac is the independent oracle and Pyodide 314 has none")
def test_hash_checksum_is_hashlibs(hasher: PasswordHasher) -> None:
    """A new hash's checksum is hashlib.pbkdf2_hmac over the UTF-8 password and the hash's own salt and rounds."""
    hashed = hasher.hash("pässword")
    salt = passwords._hasher.parse_passlib(hashed).salt
    checksum = hashlib.pbkdf2_hmac("sha256", "pässword".encode(), salt, 1000)
    assert passwords._hasher.parse_passlib(hashed).checksum == checksum


def test_salt_is_fresh_per_hash() -> None:
    """Two hashes of one password differ (a random salt per call)."""
    assert FAST.hash("x") != FAST.hash("x")


@settings(max_examples=25)
@given(password=st.one_of(st.text(max_size=80), st.binary(max_size=80)))
def test_round_trip_for_any_password(password: str | bytes) -> None:
    """Any str (UTF-8) or bytes password verifies against its own hash, and a different one does not."""
    hashed = FAST.hash(password)
    assert FAST.verify(password, hashed)
    other = password + ("x" if isinstance(password, str) else b"x")
    assert not FAST.verify(other, hashed)


def test_str_and_its_utf8_bytes_are_the_same_password() -> None:
    """A str password and its UTF-8 encoding verify against each other's hashes."""
    assert FAST.verify("naïve".encode(), FAST.hash("naïve"))
    assert FAST.verify("naïve", FAST.hash("naïve".encode()))


def test_bytes_hash_is_accepted() -> None:
    """A stored hash given as ASCII bytes verifies like its str form."""
    assert FAST.verify("password", PASSLIB_EXAMPLE.encode())


def test_pure_and_default_engines_agree() -> None:
    """A hash made with the pure-Python engine verifies with the default one and vice versa."""
    pure = PasswordHasher(rounds=1000, pure_python=True)
    assert FAST.verify("pw", pure.hash("pw"))
    assert pure.verify("pw", FAST.hash("pw"))


@pytest.mark.parametrize(
    ("stored_rounds", "policy", "expected"),
    [
        (1000, PasswordHasher(rounds=1000), False),
        (999, PasswordHasher(rounds=1000), True),
        (2000, PasswordHasher(rounds=1000), False),
        (1000, PasswordHasher(rounds=2000), True),
        (1000, PasswordHasher(rounds=2000, min_rounds=1000), False),
    ],
)
def test_needs_rehash_truth_table(stored_rounds: int, policy: PasswordHasher, expected: bool) -> None:
    """A PBKDF2 hash needs a rehash exactly when its rounds are below the policy's min_rounds."""
    stored = PasswordHasher(rounds=stored_rounds).hash("pw")
    assert policy.needs_rehash(stored) is expected


def test_short_salt_needs_rehash() -> None:
    """A passlib hash with a salt shorter than 16 bytes is outdated even at the policy's rounds."""
    stored = "$pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAA$" + "A" * 42 + "A"
    assert FAST.needs_rehash(stored)


def test_bcrypt_and_django_hashes_always_need_rehash() -> None:
    """bcrypt and Django hashes are always outdated: the policy's scheme is passlib's PBKDF2."""
    assert FAST.needs_rehash(BCRYPT_EXAMPLE)
    django = "pbkdf2_sha256$1000$salt$" + "A" * 43 + "="
    assert FAST.needs_rehash(django)


def test_verify_and_update_upgrades_low_rounds(hasher: PasswordHasher) -> None:
    """A correct password against a low-rounds hash returns a new hash at the policy's rounds."""
    valid, new = hasher.verify_and_update("password", PASSLIB_EXAMPLE)
    assert valid
    assert new is None
    stronger = PasswordHasher(rounds=2000, pure_python=hasher.pure_python)
    valid, new = stronger.verify_and_update("password", PASSLIB_EXAMPLE)
    assert valid
    assert new is not None
    assert new.startswith("$pbkdf2-sha256$2000$")
    assert stronger.verify("password", new)
    assert not stronger.needs_rehash(new)


def test_verify_and_update_upgrades_bcrypt(hasher: PasswordHasher) -> None:
    """A correct password against a bcrypt hash returns a PBKDF2 hash of the same password."""
    valid, new = hasher.verify_and_update("password", BCRYPT_EXAMPLE)
    assert valid
    assert new is not None
    assert FORMAT.fullmatch(new)
    assert hasher.verify("password", new)


@pytest.mark.parametrize("stored", [PASSLIB_EXAMPLE, BCRYPT_EXAMPLE])
def test_verify_and_update_never_returns_a_hash_for_a_wrong_password(stored: str) -> None:
    """A wrong password gives (False, None) whether or not the stored hash is outdated."""
    assert PasswordHasher(rounds=2000).verify_and_update("wrong", stored) == (False, None)


@pytest.mark.parametrize("ident", ["2a", "2b", "2y"])
def test_bcrypt_policy_makes_bcrypt_hashes(ident: str) -> None:
    """A bcrypt policy hashes with its cost and label, verifies, and leaves its own fresh hashes alone."""
    policy = PasswordHasher(4, scheme="bcrypt", bcrypt_ident=ident, pure_python=True)
    hashed = policy.hash("pässword")
    assert re.fullmatch(rf"\${ident}\$04\$[./A-Za-z0-9]{{53}}", hashed)
    assert policy.verify("pässword", hashed)
    assert not policy.verify("password", hashed)
    assert not policy.needs_rehash(hashed)
    assert policy.scheme == "bcrypt"
    assert policy.bcrypt_ident == ident


def test_bcrypt_policy_rehash_rules() -> None:
    """Under a bcrypt policy: PBKDF2, $2x$, costs outside min..max and non-canonical strings need a rehash."""
    policy = PasswordHasher(5, scheme="bcrypt", min_rounds=4, max_rounds=6)
    assert not policy.needs_rehash(BCRYPT_EXAMPLE)  # cost 4 = min_rounds
    assert PasswordHasher(5, scheme="bcrypt").needs_rehash(BCRYPT_EXAMPLE)  # min_rounds defaults to rounds
    assert policy.needs_rehash(BCRYPT_EXAMPLE.replace("$04$", "$07$"))
    assert policy.needs_rehash(BCRYPT_EXAMPLE.replace("$2b$", "$2x$"))
    assert policy.needs_rehash(BCRYPT_EXAMPLE[:-1] + "n")  # unused checksum bits set
    assert policy.needs_rehash(PASSLIB_EXAMPLE)
    assert policy.verify_and_update("password", BCRYPT_EXAMPLE) == (True, None)


def test_max_rounds_marks_stronger_hashes_outdated() -> None:
    """With max_rounds, a stored hash of more rounds than it needs a rehash (passlib's max_rounds)."""
    assert PasswordHasher(500, min_rounds=100, max_rounds=900).needs_rehash(PASSLIB_EXAMPLE)
    assert not PasswordHasher(500, min_rounds=100, max_rounds=1000).needs_rehash(PASSLIB_EXAMPLE)
    assert not PasswordHasher(500, min_rounds=100).needs_rehash(PASSLIB_EXAMPLE)


def test_django_policy_makes_django_hashes() -> None:
    """A Django policy writes pbkdf2_sha256$ with a 22-character alphanumeric salt (128 bits), as Django does."""
    policy = PasswordHasher(1000, scheme="django-pbkdf2-sha256", pure_python=True)
    hashed = policy.hash("lètmein")
    assert re.fullmatch(r"pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=", hashed)
    assert policy.verify("lètmein", hashed)
    assert not policy.needs_rehash(hashed)
    assert policy.needs_rehash(PASSLIB_EXAMPLE)
    assert PasswordHasher(2000, scheme="django-pbkdf2-sha256").needs_rehash(hashed)
    # hashlib's PBKDF2 agrees with the salt as printed (not in Pyodide, which has no pbkdf2_hmac)
    if hasattr(hashlib, "pbkdf2_hmac"):
        _, rounds, salt, encoded = hashed.split("$")
        digest = hashlib.pbkdf2_hmac("sha256", "lètmein".encode(), salt.encode(), int(rounds))
        assert base64.b64encode(digest).decode() == encoded


# An id with no backslash or non-ASCII character: pytest escapes ids= ids again at each collection in one process,
# and mutmut selects tests by node id after collecting the suite once (compat_tests/_ids.py says more).
@pytest.mark.parametrize("vector", DJANGO["generated"],
                         ids=lambda v: ascii(v["hash"].split("$")[2][:12]).replace("\\", "%"))
def test_django_hashes_with_any_salt_django_accepts(vector: dict[str, str]) -> None:
    """Django hashes whose salt has spaces, controls, non-ASCII or 1024 bytes verify, as str and as UTF-8 bytes."""
    assert FAST.verify(vector["password"], vector["hash"])
    assert FAST.verify(vector["password"], vector["hash"].encode("utf-8"))
    assert not FAST.verify(vector["password"] + "x", vector["hash"])
    assert FAST.needs_rehash(vector["hash"])
    assert passwords.identify(vector["hash"]) == "django-pbkdf2-sha256"


@pytest.mark.parametrize(
    "stored",
    [
        "pbkdf2_sha256$1000$$" + "A" * 43 + "=",  # empty salt: Django's encode asserts a salt
        "pbkdf2_sha256$1000$" + "é" * 513 + "$" + "A" * 43 + "=",  # 1026 UTF-8 bytes: over core's cap
        "pbkdf2_sha256$1000$\ud800$" + "A" * 43 + "=",  # a lone surrogate is no UTF-8 text
        "$pbkdf2-sha256$1000$\u00e9AAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ",  # non-ASCII
        b"pbkdf2_sha256$1000$\xff$" + b"A" * 43 + b"=",  # bytes that are not UTF-8
    ],
)
def test_django_salt_limits(stored: str | bytes) -> None:
    """A Django salt must be non-empty UTF-8 of at most 1024 bytes; only Django hashes may be non-ASCII."""
    with pytest.raises(MalformedHashError):
        FAST.verify("password", stored)


def test_django_format_verifies() -> None:
    """Django's pbkdf2_sha256$<iterations>$<salt>$<base64> format verifies (salt used as its text)."""
    # base64 of hashlib.pbkdf2_hmac("sha256", b"secret", b"seasalt", 1200) on CPython 3.11 (fixed: Pyodide has none)
    stored = "pbkdf2_sha256$1200$seasalt$EBBBjacyU2e+ThuL8G67NCG1tcIxYu5i+Dl5HlJJ3mM="
    assert FAST.verify("secret", stored)
    assert not FAST.verify("Secret", stored)
    assert passwords.identify(stored) == "django-pbkdf2-sha256"


@pytest.mark.parametrize(
    "stored",
    [
        "$pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA",  # no checksum
        "$pbkdf2-sha256$01000$AAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ",  # zero-padded
        "$pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ",  # zero rounds
        "$pbkdf2-sha256$4294967296$AAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ",
        "$pbkdf2-sha256$x$AAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ",
        "$pbkdf2-sha256$1000$AAAA*AAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ",
        "$pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VV",  # short checksum
        "$pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVR",  # unused bits
        "$pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ$",
        "$pbkdf2-sha256$1000$" + "A" * 1368 + "$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ",  # 1026-byte salt
        "$pbkdf2-sha256$1000$AAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ" + "A" * 2000,  # over 2048 chars
        "$pbkdf2-sha256$1000$ÄAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ",  # non-ASCII
        "pbkdf2_sha256$1000$salt$notbase64",
        "pbkdf2_sha256$1000$$" + "A" * 43 + "=",  # empty Django salt
        "pbkdf2_sha256$1000$salt$" + "A" * 42 + "B=",  # non-canonical base64
        "$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzd",  # truncated bcrypt
        "$2b$4$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm",  # one-digit cost
        "$2b$03$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm",  # cost below 4
        "$2b$32$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm",  # cost above 31
        b"$pbkdf2-sha256$1000$\xff",
    ],
)
def test_malformed_hashes_raise_the_typed_error(stored: str | bytes) -> None:
    """A hash of a known scheme that breaks its format raises MalformedHashError (a ValueError), never IndexError."""
    with pytest.raises(MalformedHashError) as info:
        FAST.verify("password", stored)
    assert isinstance(info.value, ValueError)
    assert info.value.code == "malformed_password_hash"
    with pytest.raises(MalformedHashError):
        FAST.needs_rehash(stored)


@pytest.mark.parametrize(
    "stored", ["", "password", "$1$abc$def", "$2$04$abc", "$argon2id$v=19$m=65536", "$pbkdf2$1$a$b"]
)
def test_unknown_schemes_raise_the_typed_error(stored: str) -> None:
    """A hash of no supported scheme raises UnknownHashError (a ValueError) from verify and needs_rehash."""
    with pytest.raises(UnknownHashError) as info:
        FAST.verify("password", stored)
    assert isinstance(info.value, ValueError)
    assert info.value.code == "unknown_password_hash"
    with pytest.raises(UnknownHashError):
        FAST.needs_rehash(stored)


@pytest.mark.parametrize("stored", [None, 12, ["$pbkdf2-sha256$"]])
def test_non_text_hashes_raise_the_typed_error(stored: object) -> None:
    """A stored hash that is not str or bytes raises MalformedHashError rather than TypeError."""
    with pytest.raises(MalformedHashError):
        FAST.verify("password", stored)  # type: ignore[arg-type]


@pytest.mark.parametrize("password", [None, 1, bytearray(b"pw"), "\ud800"])
def test_invalid_passwords_raise_the_typed_error(password: object) -> None:
    """A password that is not str/bytes, or a str with a lone surrogate, raises InvalidPasswordError."""
    for call in (FAST.hash, lambda p: FAST.verify(p, PASSLIB_EXAMPLE)):
        with pytest.raises(InvalidPasswordError) as info:
            call(password)
        assert info.value.code == "invalid_password"


def test_password_length_limit_applies_to_hash_and_verify() -> None:
    """Passwords over max_password_bytes (UTF-8 bytes) are refused for hashing and verifying; at the limit they pass."""
    policy = PasswordHasher(rounds=1000, max_password_bytes=10)
    assert policy.verify("é" * 5, policy.hash("é" * 5))
    for call in (policy.hash, lambda p: policy.verify(p, PASSLIB_EXAMPLE)):
        with pytest.raises(PasswordTooLongError) as info:
            call("é" * 5 + "x")
        assert info.value.code == "password_too_long"
    assert DEFAULT_HASHER.max_password_bytes == 4096


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rounds": 0},
        {"rounds": 2**32},
        {"rounds": 1000, "min_rounds": 1001},
        {"rounds": 1000, "min_rounds": 0},
        {"salt_size": 15},
        {"salt_size": 1025},
        {"max_password_bytes": 0},
        {"rounds": 1000.0},
        {"rounds": True},
        {"rounds": 1000, "max_rounds": 999},
        {"rounds": 1000, "max_rounds": "2000"},
        {"scheme": "md5_crypt"},
        {"scheme": "bcrypt", "rounds": 3},
        {"scheme": "bcrypt", "rounds": 32},
        {"scheme": "bcrypt", "bcrypt_ident": "2x"},
        {"scheme": "bcrypt", "bcrypt_ident": "2"},
    ],
)
def test_invalid_policies_are_refused(kwargs: dict[str, object]) -> None:
    """Out-of-range or non-int policy parameters raise InvalidPolicyError (a ValueError)."""
    with pytest.raises(InvalidPolicyError) as info:
        PasswordHasher(**kwargs)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


def test_error_tree() -> None:
    """Every password error is a PasswordError and a LeancoreError with its own stable code."""
    errors = [MalformedHashError, UnknownHashError, InvalidPasswordError, PasswordTooLongError, InvalidPolicyError]
    for error in errors:
        assert issubclass(error, PasswordError)
        assert issubclass(error, LeancoreError)
        assert issubclass(error, ValueError)
    assert len({error.code for error in errors}) == len(errors)


def test_repr_shows_the_policy() -> None:
    """The policy's repr names its parameters (for logs and /system/status)."""
    assert repr(FAST) == (
        "PasswordHasher(rounds=1000, min_rounds=1000, max_rounds=None, salt_size=16, max_password_bytes=4096, "
        "pure_python=False, scheme='pbkdf2-sha256', bcrypt_ident='2b')"
    )


MIN_ROUNDS_RANGE = "min_rounds must be in 1..rounds (else fresh hashes would need a rehash)"
MAX_ROUNDS_LOW = "max_rounds must be at least rounds (else fresh hashes would need a rehash)"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheme": "md5_crypt"}, "scheme must be one of pbkdf2-sha256, bcrypt, django-pbkdf2-sha256, not 'md5_crypt'"),
        ({"scheme": 5}, "scheme must be one of pbkdf2-sha256, bcrypt, django-pbkdf2-sha256, not 5"),
        ({"rounds": 1000.0}, "rounds must be an int, not float"),
        ({"rounds": True}, "rounds must be an int, not bool"),
        ({"rounds": 1000, "min_rounds": "10"}, "min_rounds must be an int, not str"),
        ({"salt_size": 16.0}, "salt_size must be an int, not float"),
        ({"max_password_bytes": None}, "max_password_bytes must be an int, not NoneType"),
        ({"rounds": 1000, "max_rounds": "2000"}, "max_rounds must be an int, not str"),
        ({"rounds": 0}, "rounds must be in 1..4294967295 for pbkdf2-sha256"),
        ({"rounds": 2**32}, "rounds must be in 1..4294967295 for pbkdf2-sha256"),
        ({"scheme": "django-pbkdf2-sha256", "rounds": 0}, "rounds must be in 1..4294967295 for django-pbkdf2-sha256"),
        ({"scheme": "bcrypt", "rounds": 3}, "rounds must be in 4..31 for bcrypt"),
        ({"scheme": "bcrypt", "rounds": 32}, "rounds must be in 4..31 for bcrypt"),
        ({"rounds": 1000, "min_rounds": 1001}, MIN_ROUNDS_RANGE),
        ({"rounds": 1000, "min_rounds": 0}, MIN_ROUNDS_RANGE),
        ({"rounds": 1000, "max_rounds": 999}, MAX_ROUNDS_LOW),
        ({"rounds": 1000, "max_rounds": 0}, MAX_ROUNDS_LOW),
        ({"salt_size": 15}, "salt_size must be in 16..1024 bytes"),
        ({"salt_size": 1025}, "salt_size must be in 16..1024 bytes"),
        ({"max_password_bytes": 0}, "max_password_bytes must be positive"),
        ({"scheme": "bcrypt", "bcrypt_ident": "2x"}, "bcrypt_ident must be one of 2a, 2b, 2y, not '2x'"),
        ({"bcrypt_ident": "$2b$"}, "bcrypt_ident must be one of 2a, 2b, 2y, not '$2b$'"),
    ],
)
def test_invalid_policy_messages(kwargs: dict[str, object], message: str) -> None:
    """Each refused policy parameter raises InvalidPolicyError with a message naming the parameter and its range."""
    with pytest.raises(InvalidPolicyError) as info:
        PasswordHasher(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message
    assert info.value.code == "invalid_password_policy"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rounds": 1},
        {"rounds": 2**32 - 1},
        {"rounds": 1000, "min_rounds": 1},
        {"rounds": 1000, "min_rounds": 1000, "max_rounds": 1000},
        {"salt_size": 16},
        {"salt_size": 1024},
        {"max_password_bytes": 1},
        {"scheme": "bcrypt", "rounds": 4},
        {"scheme": "bcrypt", "rounds": 31, "bcrypt_ident": "2y"},
        {"scheme": "bcrypt", "bcrypt_ident": "2a"},
    ],
)
def test_policy_boundaries_are_accepted(kwargs: dict[str, object]) -> None:
    """The ends of every accepted range make a valid policy that reports them back."""
    policy = PasswordHasher(**kwargs)  # type: ignore[arg-type]
    for name, value in kwargs.items():
        assert getattr(policy, name) == value


def test_default_rounds_per_scheme_and_defaults() -> None:
    """Without rounds a policy takes its scheme's default (PBKDF2 600,000, bcrypt 12); min_rounds defaults to rounds,
    max_rounds to none, salt_size to 16, bcrypt_ident to 2b; pure_python is stored as a bool."""
    bcrypt_policy = PasswordHasher(scheme="bcrypt")
    assert (bcrypt_policy.rounds, bcrypt_policy.min_rounds, bcrypt_policy.max_rounds) == (12, 12, None)
    django = PasswordHasher(scheme="django-pbkdf2-sha256")
    assert (django.rounds, django.min_rounds, django.salt_size, django.bcrypt_ident) == (600_000, 600_000, 16, "2b")
    assert PasswordHasher(rounds=1000, pure_python=1).pure_python is True  # type: ignore[arg-type]
    assert PasswordHasher(rounds=1000).pure_python is False
    assert PasswordHasher(rounds=1000, min_rounds=10).min_rounds == 10
    assert PasswordHasher(rounds=1000, max_rounds=10**6).max_rounds == 10**6


@pytest.mark.parametrize(
    ("password", "message", "error"),
    [
        ("\ud800", "the password is not encodable as UTF-8 (lone surrogate)", InvalidPasswordError),
        (None, "a password is str or bytes, not NoneType", InvalidPasswordError),
        (bytearray(b"pw"), "a password is str or bytes, not bytearray", InvalidPasswordError),
        ("é" * 5 + "x", "passwords are limited to 10 bytes", PasswordTooLongError),
        (b"x" * 11, "passwords are limited to 10 bytes", PasswordTooLongError),
    ],
)
def test_invalid_password_messages(password: object, message: str, error: type[Exception]) -> None:
    """A refused password raises its typed error with a message saying why, from hash and verify alike."""
    policy = PasswordHasher(rounds=1000, max_password_bytes=10)
    for call in (policy.hash, lambda p: policy.verify(p, PASSLIB_EXAMPLE)):
        with pytest.raises(error) as info:
            call(password)
        assert str(info.value) == message
    assert policy.verify(b"x" * 10, policy.hash(b"x" * 10))


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        (12, "a stored hash is str or bytes, not int"),
        (None, "a stored hash is str or bytes, not NoneType"),
        (b"$pbkdf2-sha256$1000$\xff", "a stored hash is ASCII text (UTF-8 in a Django salt)"),
        pytest.param("$pbkdf2-sha256$1000$" + "A" * 2029, "a stored hash is ASCII text of at most 2048 characters",
                     id="2049-chars"),
        ("$pbkdf2-sha256$1000$ÄAAA$" + "A" * 43, "a stored hash is ASCII text of at most 2048 characters"),
        ("$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdé",
         "a stored hash is ASCII text of at most 2048 characters"),
        pytest.param("pbkdf2_sha256$1000$" + "s" * 2030, "a stored hash is ASCII text of at most 2048 characters",
                     id="django-2049-chars"),
    ],
)
def test_stored_hash_text_messages(stored: object, message: str) -> None:
    """A stored hash that is not text, not UTF-8, not ASCII (outside a Django salt) or over 2048 characters raises
    MalformedHashError saying so, from verify, needs_rehash and identify."""
    for call in (lambda h: FAST.verify("pw", h), FAST.needs_rehash, passwords.identify):
        with pytest.raises(MalformedHashError) as info:
            call(stored)
        if call is not passwords.identify or "three fields" not in message:
            assert str(info.value) == message


def test_identify_names_each_scheme() -> None:
    """identify() names the scheme of str and bytes hashes, and raises UnknownHashError with its message else."""
    assert passwords.identify(PASSLIB_EXAMPLE) == "pbkdf2-sha256"
    assert passwords.identify(PASSLIB_EXAMPLE.encode()) == "pbkdf2-sha256"
    assert passwords.identify(BCRYPT_EXAMPLE) == "bcrypt"
    assert passwords.identify("$2x$" + BCRYPT_EXAMPLE[4:]) == "bcrypt"
    assert passwords.identify("pbkdf2_sha256$1$é$x") == "django-pbkdf2-sha256"
    assert passwords.identify("pbkdf2_sha256$1$é$x".encode()) == "django-pbkdf2-sha256"
    with pytest.raises(UnknownHashError) as info:
        passwords.identify("$argon2id$v=19$")
    assert str(info.value) == "the stored hash belongs to no supported scheme"


@pytest.mark.cpython_only(reason="hashlib.pbkdf2_hmac is the independent oracle and Pyodide 314 has none")
def test_non_ascii_django_salts_verify_from_str_and_bytes() -> None:
    """A Django hash with a non-ASCII salt (Django accepts any text without "$") verifies given as str or as its
    UTF-8 bytes."""
    checksum = base64.b64encode(hashlib.pbkdf2_hmac("sha256", b"pw", "sél".encode(), 1000)).decode()
    stored = f"pbkdf2_sha256$1000$sél${checksum}"
    assert FAST.verify("pw", stored)
    assert FAST.verify("pw", stored.encode())
    assert not FAST.verify("px", stored)
    django = PasswordHasher(rounds=1000, scheme="django-pbkdf2-sha256")
    assert not django.needs_rehash(stored)  # a 4-byte text salt is Django's business: no short-salt rule
    assert FAST.needs_rehash(stored)


@pytest.mark.parametrize("salt_size", [16, 32, 17])
def test_new_salts_have_the_policy_size(salt_size: int) -> None:
    """New passlib-format hashes carry salt_size random bytes; Django hashes as many bits in ceil(bits/5.954)
    characters of Django's 62-letter alphabet."""
    made = PasswordHasher(rounds=1000, salt_size=salt_size).hash("pw")
    salt = made.split("$")[3]
    assert len(base64.b64decode(salt.replace(".", "+") + "=" * (-len(salt) % 4))) == salt_size
    django = PasswordHasher(rounds=1000, salt_size=salt_size, scheme="django-pbkdf2-sha256").hash("pw")
    text_salt = django.split("$")[2]
    assert len(text_salt) == {16: 22, 32: 43, 17: 23}[salt_size]
    assert text_salt.isascii()
    assert text_salt.isalnum()
    assert django.startswith("pbkdf2_sha256$1000$")


def test_django_salts_use_the_whole_alphabet() -> None:
    """Django salts are drawn from all 62 letters and digits (over many draws every one appears)."""
    policy = PasswordHasher(rounds=1, salt_size=1024, scheme="django-pbkdf2-sha256")
    seen = set(policy.hash("pw").split("$")[2])
    assert seen == set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def test_needs_rehash_band_edges() -> None:
    """A stored hash at min_rounds or max_rounds is current; one round outside either end is outdated."""
    policy = PasswordHasher(rounds=1000, min_rounds=999, max_rounds=1001)
    salt = "AAAAAAAAAAAAAAAAAAAAAA"
    for rounds, expected in ((998, True), (999, False), (1001, False), (1002, True)):
        assert policy.needs_rehash(f"$pbkdf2-sha256${rounds}${salt}$" + "A" * 43) is expected
    bcrypt_policy = PasswordHasher(scheme="bcrypt", rounds=5, min_rounds=5, max_rounds=6)
    for cost, expected in ((4, True), (5, False), (6, False), (7, True)):
        assert bcrypt_policy.needs_rehash(f"$2b${cost:02d}$" + BCRYPT_EXAMPLE[7:]) is expected


def test_bcrypt_policy_flags_2x_and_non_canonical_hashes() -> None:
    """Under a bcrypt policy a $2x$ hash and one with non-zero unused bits need a rehash; $2a$/$2y$ do not."""
    policy = PasswordHasher(scheme="bcrypt", rounds=4)
    body = BCRYPT_EXAMPLE[7:]
    assert not policy.needs_rehash(BCRYPT_EXAMPLE)
    assert not policy.needs_rehash("$2a$04$" + body)
    assert not policy.needs_rehash("$2y$04$" + body)
    assert policy.needs_rehash("$2x$04$" + body)
    assert policy.needs_rehash("$2b$04$" + body[:21] + "v" + body[22:])  # salt's unused bits set
    assert policy.needs_rehash("$2b$04$" + body[:-1] + "n")  # checksum's unused bits set
    assert PasswordHasher(rounds=1000).needs_rehash(BCRYPT_EXAMPLE)


def test_pbkdf2_policy_flags_only_short_passlib_salts() -> None:
    """A passlib-format hash with a salt under 16 bytes needs a rehash, one of exactly 16 does not."""
    fifteen = "$pbkdf2-sha256$1000$" + "A" * 20 + "$" + "A" * 43
    sixteen = "$pbkdf2-sha256$1000$" + "A" * 22 + "$" + "A" * 43
    assert FAST.needs_rehash(fifteen)
    assert not FAST.needs_rehash(sixteen)
    assert PasswordHasher(rounds=1000, scheme="django-pbkdf2-sha256").needs_rehash(sixteen)


def test_verify_and_update_outcomes(hasher: PasswordHasher) -> None:
    """verify_and_update: (False, None) when wrong, (True, None) when current, (True, new hash) when outdated."""
    assert hasher.verify_and_update("wrong", PASSLIB_EXAMPLE) == (False, None)
    assert hasher.verify_and_update("password", PASSLIB_EXAMPLE) == (True, None)
    stronger = PasswordHasher(rounds=1001, pure_python=hasher.pure_python)
    valid, new = stronger.verify_and_update("password", PASSLIB_EXAMPLE)
    assert valid is True
    assert new is not None
    assert new.startswith("$pbkdf2-sha256$1001$")
    assert stronger.verify("password", new)


def test_non_str_schemes_are_refused_as_policy_errors() -> None:
    """A scheme given as a non-str (even an unhashable list) is an InvalidPolicyError, not a TypeError."""
    with pytest.raises(InvalidPolicyError) as info:
        PasswordHasher(scheme=["bcrypt"])  # type: ignore[arg-type]
    assert str(info.value) == "scheme must be one of pbkdf2-sha256, bcrypt, django-pbkdf2-sha256, not ['bcrypt']"


@pytest.mark.parametrize(("salt_size", "chars"), [(99, 134), (131, 177), (1024, 1376)])
def test_django_salt_length_rounds_bits_up(salt_size: int, chars: int) -> None:
    """A Django salt has ceil(salt_size * 8 / log2(62)) characters, log2(62) taken as 5.954 (never fewer bits)."""
    made = PasswordHasher(rounds=1, salt_size=salt_size, scheme="django-pbkdf2-sha256").hash("pw")
    assert len(made.split("$")[2]) == chars


def test_pure_python_policies_never_call_the_native_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """pure_python=True hashes and verifies PBKDF2 and bcrypt without hashlib.pbkdf2_hmac or the bcrypt package."""
    native = hasattr(hashlib, "pbkdf2_hmac")

    def refuse(*args: object) -> bytes:
        raise AssertionError("a native engine ran")

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", refuse, raising=False)
    try:
        import bcrypt  # optional: only to make it refuse work
    except ImportError:  # Pyodide: the pure engine runs anyway
        pass
    else:
        monkeypatch.setattr(bcrypt, "hashpw", refuse)
    pure = PasswordHasher(rounds=1000, pure_python=True)
    assert pure.verify("password", PASSLIB_EXAMPLE)
    assert pure.verify("pw", pure.hash("pw"))
    assert pure.verify("secret", "pbkdf2_sha256$1200$seasalt$EBBBjacyU2e+ThuL8G67NCG1tcIxYu5i+Dl5HlJJ3mM=")
    assert pure.verify("password", BCRYPT_EXAMPLE)
    pure_bcrypt = PasswordHasher(rounds=4, scheme="bcrypt", pure_python=True)
    assert pure_bcrypt.hash("pw").startswith("$2b$04$")
    if native:
        with pytest.raises(AssertionError, match="a native engine ran"):
            PasswordHasher(rounds=1000).hash("pw")


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        pytest.param("$pbkdf2-sha256$1000$" + "A" * 2028, "a $pbkdf2-sha256$ hash has three fields: rounds, salt, "
                     "checksum", id="passlib-2048-chars"),
        pytest.param("pbkdf2_sha256$1000$" + "s" * 2029, "a Django pbkdf2_sha256$ hash has three fields: iterations, "
                     "salt, hash", id="django-2048-chars"),
    ],
)
def test_2048_characters_pass_the_length_check(stored: str, message: str) -> None:
    """A stored hash of exactly 2048 characters passes the length bound: its format check is what refuses it."""
    assert len(stored) == 2048
    with pytest.raises(MalformedHashError) as info:
        FAST.verify("pw", stored)
    assert str(info.value) == message

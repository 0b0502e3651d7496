"""core.passwords against passlib 1.7.4: each verifies the other's $pbkdf2-sha256$ hashes, and the deviations.

PBKDF2 rounds stay in 1,000-5,000 here (one test uses the 600,000 default) so the file runs in seconds.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import bcrypt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    # passlib 1.7.4 imports the deprecated `crypt` module on 3.11+ (a DeprecationWarning, an error under our pytest).
    warnings.simplefilter("ignore", DeprecationWarning)
    from passlib import exc as passlib_exc
    from passlib.hash import bcrypt as passlib_bcrypt
    from passlib.hash import pbkdf2_sha256

from core.passwords import (
    DEFAULT_HASHER,
    InvalidPasswordError,
    MalformedHashError,
    PasswordHasher,
    PasswordTooLongError,
)

VECTORS = json.loads((Path(__file__).parent / "data/pbkdf2_sha256_vectors.json").read_text(encoding="utf-8"))
BOUNDED = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
text_or_bytes = st.one_of(st.text(max_size=64), st.binary(max_size=64))


@pytest.mark.parametrize("vector", VECTORS["vectors"])
def test_known_answer_vectors(vector: dict[str, str]) -> None:
    """passlib's documented example verifies with passlib and with core (both engines)."""
    assert pbkdf2_sha256.verify(vector["password"], vector["hash"])
    assert PasswordHasher(rounds=1000).verify(vector["password"], vector["hash"])
    assert PasswordHasher(rounds=1000, pure_python=True).verify(vector["password"], vector["hash"])


def test_same_salt_same_hash() -> None:
    """With the same salt and rounds, core's hash string is byte-identical to passlib's."""
    expected = pbkdf2_sha256.using(salt=bytes(16), rounds=1000).hash("password")
    assert expected == VECTORS["vectors"][0]["hash"]


@BOUNDED
@given(password=text_or_bytes, rounds=st.integers(1000, 5000), pure=st.booleans())
def test_passlib_verifies_core_hashes(password: str | bytes, rounds: int, pure: bool) -> None:
    """Every hash core makes (any rounds, str or bytes password, either engine) verifies with passlib."""
    hashed = PasswordHasher(rounds=rounds, pure_python=pure).hash(password)
    assert pbkdf2_sha256.verify(password, hashed)
    # A wrong password must not be a NUL-padding of the right one: HMAC pads keys with NULs (RFC 2104 §2), so
    # b"" and b"\x00" are the same PBKDF2 key in every implementation, passlib's included.
    assert not pbkdf2_sha256.verify((password.encode() if isinstance(password, str) else password) + b"x", hashed)


@BOUNDED
@given(password=text_or_bytes, rounds=st.integers(1000, 5000), salt_size=st.integers(0, 64))
def test_core_verifies_passlib_hashes(password: str | bytes, rounds: int, salt_size: int) -> None:
    """Every hash passlib makes (random rounds and salt sizes, unicode passwords) verifies with core."""
    hashed = pbkdf2_sha256.using(rounds=rounds, salt_size=salt_size).hash(password)
    policy = PasswordHasher(rounds=rounds)
    assert policy.verify(password, hashed)
    assert not policy.verify((password.encode() if isinstance(password, str) else password) + b"x", hashed)
    assert policy.needs_rehash(hashed) is (salt_size < 16)


def test_default_rounds_both_ways() -> None:
    """At the 600,000-round default, passlib verifies core's hash and core verifies passlib's."""
    assert pbkdf2_sha256.verify("s3cret", DEFAULT_HASHER.hash("s3cret"))
    assert DEFAULT_HASHER.verify("s3cret", pbkdf2_sha256.using(rounds=600_000).hash("s3cret"))


def test_verify_and_update_upgrades_passlib_low_rounds() -> None:
    """A passlib hash below the policy's rounds is upgraded on a correct password, and passlib verifies the new one."""
    stored = pbkdf2_sha256.using(rounds=1000).hash("pw")
    valid, new = PasswordHasher(rounds=2000).verify_and_update("pw", stored)
    assert valid
    assert new is not None
    assert pbkdf2_sha256.verify("pw", new)
    assert pbkdf2_sha256.from_string(new).rounds == 2000
    assert PasswordHasher(rounds=1000).verify_and_update("pw", stored) == (True, None)
    assert PasswordHasher(rounds=2000).verify_and_update("wrong", stored) == (False, None)


def test_verify_and_update_upgrades_passlib_bcrypt() -> None:
    """A bcrypt hash made by passlib upgrades to a $pbkdf2-sha256$ hash passlib verifies."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # passlib reads bcrypt.__about__, gone in bcrypt >= 4.1 (it warns)
        stored = passlib_bcrypt.using(rounds=4).hash("pw")
    valid, new = PasswordHasher(rounds=1000).verify_and_update("pw", stored)
    assert valid
    assert new is not None
    assert pbkdf2_sha256.verify("pw", new)


# --- deviations (docs/compatibility.md, core.passwords) ---

EXAMPLE = VECTORS["vectors"][0]["hash"]


@pytest.mark.parametrize(
    "variant",
    [
        EXAMPLE.replace("HS.VVQ", "HS+VVQ"),  # '+' for '.'
        EXAMPLE[:-1] + "R",  # non-zero unused bits in the last character
    ],
)
def test_non_canonical_ab64_beside_passlib(variant: str) -> None:
    """passlib accepts '+' and non-zero unused bits in ab64 and verifies; core refuses them as malformed."""
    assert pbkdf2_sha256.verify("password", variant)
    with pytest.raises(MalformedHashError):
        PasswordHasher(rounds=1000).verify("password", variant)


@pytest.mark.parametrize(
    "bad",
    [
        EXAMPLE.replace("$1000$", "$01000$"),  # zero-padded rounds
        EXAMPLE[:-4],  # short checksum
        EXAMPLE.rsplit("$", 1)[0],  # no checksum
    ],
)
def test_malformed_hashes_beside_passlib(bad: str) -> None:
    """Where passlib raises a plain ValueError for a malformed hash, core raises MalformedHashError (a ValueError)."""
    with pytest.raises(ValueError):  # noqa: PT011 - passlib's messages vary by case; the type is the point
        pbkdf2_sha256.verify("password", bad)
    with pytest.raises(MalformedHashError):
        PasswordHasher(rounds=1000).verify("password", bad)


def test_password_size_limit_beside_passlib() -> None:
    """Both refuse passwords over 4096 bytes: passlib with PasswordSizeError, core with PasswordTooLongError."""
    with pytest.raises(passlib_exc.PasswordSizeError):
        pbkdf2_sha256.verify("x" * 4097, EXAMPLE)
    with pytest.raises(PasswordTooLongError):
        DEFAULT_HASHER.verify("x" * 4097, EXAMPLE)
    assert pbkdf2_sha256.verify("x" * 4096, EXAMPLE) is DEFAULT_HASHER.verify("x" * 4096, EXAMPLE) is False


def test_non_text_password_beside_passlib() -> None:
    """A password that is neither str nor bytes: passlib raises TypeError, core InvalidPasswordError (ValueError)."""
    with pytest.raises(TypeError):
        pbkdf2_sha256.verify(1234, EXAMPLE)  # type: ignore[arg-type]
    with pytest.raises(InvalidPasswordError):
        DEFAULT_HASHER.verify(1234, EXAMPLE)  # type: ignore[arg-type]


def test_nul_in_bcrypt_password_beside_passlib() -> None:
    """passlib refuses NUL bytes in bcrypt passwords; core (like pyca/bcrypt) treats them as key bytes."""
    stored = bcrypt.hashpw(b"a\x00b", bcrypt.gensalt(4)).decode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(passlib_exc.PasswordValueError):
            passlib_bcrypt.verify(b"a\x00b", stored)
    assert PasswordHasher(rounds=1000).verify(b"a\x00b", stored)


def test_incorrect_padding_beside_passlib() -> None:
    """Unused bits set in a bcrypt salt or checksum: passlib repairs, verifies and warns (needs_update only for the
    $2a$ salt); core verifies silently and always asks for a rehash."""
    stored = bcrypt.hashpw(b"pw", b"$2a$04$" + b"C" * 21 + b".").decode()
    bad_salt = stored[:28] + "/" + stored[29:]
    alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"  # bcrypt's base64
    bad_checksum = stored[:-1] + alphabet[alphabet.index(stored[-1]) ^ 1]
    bcrypt_policy = PasswordHasher(4, scheme="bcrypt")
    for bad, passlib_update in ((bad_salt, True), (bad_checksum, False)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert passlib_bcrypt.verify("pw", bad)
            assert passlib_bcrypt.needs_update(bad) is passlib_update
        assert any(issubclass(w.category, passlib_exc.PasslibHashWarning) for w in caught)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert bcrypt_policy.verify("pw", bad)
        assert bcrypt_policy.needs_rehash(bad)


@pytest.mark.parametrize(("rounds", "salt_size"), [(1, 0), (1, 1024), (2, 1), (1, 16)])
def test_format_edges_both_ways(rounds: int, salt_size: int) -> None:
    """At the format's edges (1 round; empty and 1024-byte salts) each library verifies the other's hashes."""
    theirs = pbkdf2_sha256.using(rounds=rounds, salt_size=salt_size).hash("pw")
    assert PasswordHasher(rounds=rounds).verify("pw", theirs)
    assert not PasswordHasher(rounds=rounds).verify("pX", theirs)
    ours = PasswordHasher(rounds=rounds, salt_size=max(salt_size, 16)).hash("pw")
    assert pbkdf2_sha256.verify("pw", ours)
    assert pbkdf2_sha256.from_string(ours).rounds == rounds

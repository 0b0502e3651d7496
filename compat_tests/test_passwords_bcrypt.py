"""core.passwords verifies what pyca/bcrypt makes (4.3.0 in `compat`, 5.0.0 in `compat-bcrypt5`), pure and native.

Costs 4-6 only: the pure-Python engine takes ~0.1-0.4 s per hash there, so the whole file stays within seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import bcrypt
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.passwords import PasswordHasher, _bcrypt

VECTORS = json.loads((Path(__file__).parent / "data/bcrypt_vectors.json").read_text(encoding="utf-8"))["vectors"]
CRYPT_BLOWFISH = json.loads(
    (Path(__file__).parent / "data/crypt_blowfish_vectors.json").read_text(encoding="utf-8"))["vectors"]
BCRYPT_MAJOR = int(bcrypt.__version__.split(".")[0])
PURE = PasswordHasher(rounds=1000, pure_python=True)
NATIVE = PasswordHasher(rounds=1000)
BOUNDED = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Passwords bcrypt accepts in every version: at most 72 bytes (bcrypt 5 refuses longer ones).
passwords_72 = st.one_of(st.binary(max_size=72), st.text(max_size=72).map(lambda s: s.encode()[:72]))


@pytest.mark.parametrize("vector", VECTORS, ids=[v["hash"][-8:] for v in VECTORS])
def test_classic_vectors_agree_with_bcrypt(vector: dict[str, str]) -> None:
    """The Openwall vectors verify with pyca/bcrypt (so the data file is right) and with both core engines."""
    password = vector["password"].encode()
    if BCRYPT_MAJOR < 5 or len(password) <= 72:
        assert bcrypt.checkpw(password, vector["hash"].encode())
    assert PURE.verify(password, vector["hash"])
    assert NATIVE.verify(password, vector["hash"])


@BOUNDED
@given(password=passwords_72, cost=st.sampled_from([4, 4, 5, 6]), ident=st.sampled_from(["2a", "2b", "2y"]))
@example(password=b"", cost=4, ident="2b")
@example(password=b"a\x00b", cost=4, ident="2b")
@example(password="ünïcødé ✓".encode(), cost=4, ident="2a")
@example(password=b"x" * 72, cost=4, ident="2b")
def test_core_verifies_bcrypt_hashes(password: bytes, cost: int, ident: str) -> None:
    """A hash pyca/bcrypt makes verifies with core's pure and native engines; one changed byte is refused."""
    salt = f"${ident}$".encode() + bcrypt.gensalt(cost)[4:]
    stored = bcrypt.hashpw(password, salt).decode()
    assert PURE.verify(password, stored)
    assert NATIVE.verify(password, stored)
    wrong = password[:-1] + bytes([password[-1] ^ 1]) if password else b"\x01"
    assert not PURE.verify(wrong, stored)
    assert not NATIVE.verify(wrong, stored)


@BOUNDED
@given(password=passwords_72, cost=st.integers(4, 5))
def test_pure_engine_reproduces_bcrypt_exactly(password: bytes, cost: int) -> None:
    """The pure engine's checksum, formatted, is byte-for-byte the hash pyca/bcrypt produced."""
    stored = bcrypt.hashpw(password, bcrypt.gensalt(cost)).decode()
    parsed = _bcrypt.parse(stored)
    assert parsed.setting + _bcrypt.bcrypt_b64encode(_bcrypt.checksum(password, parsed, pure=True)) == stored


def test_73_byte_passwords_beside_bcrypt() -> None:
    """Over 72 bytes: bcrypt 4 truncates like core; bcrypt 5 refuses (ValueError) while core verifies on 72 bytes."""
    password = b"y" * 73
    stored = bcrypt.hashpw(password[:72], bcrypt.gensalt(4))
    if BCRYPT_MAJOR >= 5:
        with pytest.raises(ValueError, match="72"):
            bcrypt.checkpw(password, stored)
    else:
        assert bcrypt.checkpw(password, stored)
    assert PURE.verify(password, stored.decode())
    assert NATIVE.verify(password, stored.decode())


def _password(vector: dict[str, str]) -> bytes:
    return vector["password"].encode() if "password" in vector else bytes.fromhex(vector["password_hex"])


@pytest.mark.parametrize("vector", CRYPT_BLOWFISH, ids=[f"{v['hash'][:4]}{v['hash'][-6:]}" for v in CRYPT_BLOWFISH])
def test_crypt_blowfish_vectors_beside_bcrypt(vector: dict[str, str]) -> None:
    """crypt_blowfish's test list verifies in core (native engine present); pyca/bcrypt agrees except on $2x$ hashes
    of non-ASCII passwords and safety-flipped $2a$ hashes, which it refuses (it hashes both as $2b$)."""
    password = _password(vector)
    stored = vector["hash"]
    assert NATIVE.verify(password, stored)
    parsed = _bcrypt.parse(stored)
    plain = _bcrypt.checksum(password, _bcrypt.BcryptHash("b", parsed.cost, parsed.salt, b""))
    # pyca/bcrypt agrees exactly where the hash is the correct algorithm's ($2b$ of the same key)
    expected = plain == parsed.checksum
    if BCRYPT_MAJOR < 5 or len(password) <= 72:
        assert bcrypt.checkpw(password, stored.encode()) is expected
    if stored.startswith(("$2b$", "$2y$")) or password.isascii():
        assert expected


def test_2x_label_beside_bcrypt() -> None:
    """$2x$ of b"\\xa3": pyca/bcrypt checks it as $2b$ and refuses the right password; core verifies it (the bug)."""
    stored = "$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"  # crypt_blowfish's wrapper.c
    assert bcrypt.checkpw(b"\xa3", stored.encode()) is False
    assert NATIVE.verify(b"\xa3", stored)
    assert PURE.verify(b"\xa3", stored)
    # ASCII passwords are unaffected by the bug: a $2x$ label hashes like $2b$ in both
    ascii_hash = bcrypt.hashpw(b"pw", b"$2x$04$" + bcrypt.gensalt(4)[7:])
    assert bcrypt.checkpw(b"pw", ascii_hash)
    assert PURE.verify(b"pw", ascii_hash.decode())


def test_malformed_bcrypt_hashes_beside_bcrypt() -> None:
    """A truncated hash: pyca/bcrypt returns False, core raises MalformedHashError."""
    stored = bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode()
    assert bcrypt.checkpw(b"pw", stored[:-1].encode()) is False
    with pytest.raises(ValueError, match="bcrypt") as info:
        NATIVE.verify(b"pw", stored[:-1])
    assert info.value.code == "malformed_password_hash"  # type: ignore[attr-defined]


def test_non_zero_unused_bits_beside_bcrypt() -> None:
    """Unused bits set in the salt: pyca/bcrypt raises "Invalid salt"; in the checksum it returns False; core
    verifies both (as passlib does) and asks for a rehash."""
    stored = bcrypt.hashpw(b"pw", b"$2b$04$" + b"C" * 21 + b".").decode()
    bad_salt = stored[:28] + "/" + stored[29:]
    last = _bcrypt._BCRYPT_ALPHABET.index(stored[-1])
    bad_checksum = stored[:-1] + _bcrypt._BCRYPT_ALPHABET[last ^ 1]
    with pytest.raises(ValueError, match="Invalid salt"):
        bcrypt.checkpw(b"pw", bad_salt.encode())
    assert bcrypt.checkpw(b"pw", bad_checksum.encode()) is False
    bcrypt_policy = PasswordHasher(4, scheme="bcrypt")
    for bad in (bad_salt, bad_checksum):
        assert NATIVE.verify(b"pw", bad)
        assert PURE.verify(b"pw", bad)
        assert bcrypt_policy.needs_rehash(bad)
    assert not bcrypt_policy.needs_rehash(stored)


def test_verify_and_update_moves_bcrypt_users_to_pbkdf2() -> None:
    """A correct password for a bcrypt hash yields a PBKDF2 hash; a wrong one yields nothing."""
    stored = bcrypt.hashpw(b"hunter2", bcrypt.gensalt(4)).decode()
    valid, new = NATIVE.verify_and_update("hunter2", stored)
    assert valid
    assert new is not None
    assert new.startswith("$pbkdf2-sha256$1000$")
    assert NATIVE.verify_and_update("hunter3", stored) == (False, None)

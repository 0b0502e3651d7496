"""The pure-Python EksBlowfish: classic vectors, its generator, and the bcrypt hash format around it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from core.passwords import MalformedHashError, PasswordHasher, _bcrypt

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "compat_tests/data/bcrypt_vectors.json").read_text(encoding="utf-8"))["vectors"]
CRYPT_BLOWFISH = json.loads(
    (ROOT / "compat_tests/data/crypt_blowfish_vectors.json").read_text(encoding="utf-8"))["vectors"]
PURE = PasswordHasher(rounds=1000, pure_python=True)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["hash"][-8:] for v in VECTORS])
def test_classic_vectors_verify_with_the_pure_engine(vector: dict[str, str]) -> None:
    """The Openwall $2a$ vectors verify with the pure engine, and a changed password does not."""
    assert PURE.verify(vector["password"], vector["hash"])
    assert not PURE.verify(vector["password"] + "x" if len(vector["password"]) < 72 else "x", vector["hash"])


def _password(vector: dict[str, str]) -> bytes:
    return vector["password"].encode() if "password" in vector else bytes.fromhex(vector["password_hex"])


def _crypt_blowfish_hash(label: str, password_hex: str) -> str:
    return next(v["hash"] for v in CRYPT_BLOWFISH if v["hash"][:4] == label and v.get("password_hex") == password_hex)


@pytest.mark.parametrize("vector", CRYPT_BLOWFISH, ids=[f"{v['hash'][:4]}{v['hash'][-6:]}" for v in CRYPT_BLOWFISH])
def test_crypt_blowfish_vectors_verify_with_the_pure_engine(vector: dict[str, str]) -> None:
    """Every hash of crypt_blowfish's own test list ($2x$ bug, $2a$ safety, $2y$, $2b$) verifies; for $2x$, a wrong
    password does not (one check per label family keeps the Pyodide run short: ~0.4 s per cost-5 hash there)."""
    password = _password(vector)
    assert PURE.verify(password, vector["hash"])
    if vector["hash"].startswith("$2x$"):
        # The last byte is changed: under the $2x$ bug an earlier one can be wiped by a later high byte.
        wrong = password[:-1] + bytes([password[-1] ^ 1])
        assert not PURE.verify(wrong, vector["hash"])


def test_2x_is_the_sign_extension_bug_not_2b() -> None:
    """A $2x$ hash of a password with a byte >= 0x80 verifies as $2x$ only: the same checksum under $2b$ is refused."""
    stored = _crypt_blowfish_hash("$2x$", "a3")
    assert PURE.verify(b"\xa3", stored)
    assert not PURE.verify(b"\xa3", stored.replace("$2x$", "$2b$"))


def test_2a_accepts_the_safety_flipped_and_the_plain_hash() -> None:
    """For a key that triggers crypt_blowfish's safety flip, $2a$ accepts both its hash and the unflipped ($2b$) one."""
    password = b"\xff\xff\xa3"
    flipped = _crypt_blowfish_hash("$2a$", "ffffa3")
    plain = _crypt_blowfish_hash("$2b$", "ffffa3")
    assert flipped[7:29] == plain[7:29]  # same salt, different checksums
    assert flipped[29:] != plain[29:]
    assert PURE.verify(password, flipped)
    assert PURE.verify(password, plain.replace("$2b$", "$2a$"))
    assert not PURE.verify(password, flipped.replace("$2a$", "$2b$"))  # the flip is $2a$'s alone


@pytest.mark.parametrize("ident", ["2a", "2b", "2x", "2y"])
def test_every_label_hashes_alike(ident: str) -> None:
    """For an ASCII password $2a$, $2b$, $2x$ and $2y$ differ only in the label (no byte >= 0x80, no bug)."""
    stored = VECTORS[0]["hash"].replace("$2a$", f"${ident}$")
    assert PURE.verify(VECTORS[0]["password"], stored)


def test_passwords_beyond_72_bytes_verify_on_their_first_72() -> None:
    """A password longer than 72 bytes verifies against a hash of its first 72 bytes (bcrypt 4.x behaviour)."""
    long_vector = VECTORS[3]
    assert len(long_vector["password"]) > 72
    assert PURE.verify(long_vector["password"][:72], long_vector["hash"])
    assert PURE.verify(long_vector["password"][:72] + "anything else", long_vector["hash"])
    assert not PURE.verify(long_vector["password"][:71], long_vector["hash"])


def test_checksum_round_trips_the_format() -> None:
    """Recomputing a vector's checksum and formatting it with its setting gives back the stored hash."""
    stored = VECTORS[0]["hash"]
    parsed = _bcrypt.parse(stored)
    computed = _bcrypt.checksum(b"U*U", parsed, pure=True)
    assert parsed.setting + _bcrypt.bcrypt_b64encode(computed) == stored
    assert (parsed.ident, parsed.cost) == ("a", 5)


def test_non_zero_unused_bits_verify_and_are_not_canonical() -> None:
    """A salt or checksum whose last character has non-zero unused bits verifies (as in passlib) and is flagged."""
    stored = VECTORS[0]["hash"]  # salt ends in "." (0 unused bits set), checksum in "W"
    alphabet = _bcrypt._BCRYPT_ALPHABET
    bad_salt = stored[:28] + "/" + stored[29:]
    bad_checksum = stored[:-1] + alphabet[alphabet.index(stored[-1]) ^ 1]
    assert _bcrypt.parse(stored).canonical
    for bad in (bad_salt, bad_checksum):
        parsed = _bcrypt.parse(bad)
        assert not parsed.canonical
        assert parsed.to_string() == stored
        assert PURE.verify(VECTORS[0]["password"], bad)
        assert not PURE.verify("U*U*", bad)


def test_engine_name_without_the_package() -> None:
    """Forcing the pure engine reports "pure"; the default is "native" exactly when bcrypt is importable."""
    assert _bcrypt.engine_name(pure=True) == "pure"
    expected = "native" if importlib.util.find_spec("bcrypt") else "pure"
    assert _bcrypt.engine_name() == expected


@pytest.mark.parametrize("cost", ["03", "32", "99"])
def test_costs_outside_4_to_31_are_malformed(cost: str) -> None:
    """bcrypt costs below 4 or above 31 are refused as malformed (pyca/bcrypt: "Invalid salt")."""
    with pytest.raises(MalformedHashError):
        _bcrypt.parse(VECTORS[0]["hash"].replace("$05$", f"${cost}$"))


def test_generated_module_is_up_to_date() -> None:
    """core/passwords/_eksblowfish_rounds.py is exactly tools/gen_eksblowfish.py's output (no hand edits to the
    rounds)."""
    spec = importlib.util.spec_from_file_location("gen_eksblowfish", ROOT / "tools/gen_eksblowfish.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    committed = (ROOT / "core/passwords/_eksblowfish_rounds.py").read_text(encoding="utf-8")
    assert committed == generator.generate()


def test_bcrypt_raw_flips_nothing_by_default() -> None:
    """bcrypt_raw without p0_flip is plain EksBlowfish: its first 23 bytes are a vector's checksum."""
    from core.passwords._bf_key import correct_words
    from core.passwords._eksblowfish import bcrypt_raw

    parsed = _bcrypt.parse(VECTORS[0]["hash"])
    assert bcrypt_raw(parsed.cost, parsed.salt, correct_words(VECTORS[0]["password"].encode()))[:23] == parsed.checksum

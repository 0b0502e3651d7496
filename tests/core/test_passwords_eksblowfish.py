"""The pure-Python EksBlowfish: classic vectors, its generator, and the bcrypt hash format around it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from core.passwords import MalformedHashError, PasswordHasher, _bcrypt

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "compat_tests/data/bcrypt_vectors.json").read_text(encoding="utf-8"))["vectors"]
PURE = PasswordHasher(rounds=1000, pure_python=True)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["hash"][-8:] for v in VECTORS])
def test_classic_vectors_verify_with_the_pure_engine(vector: dict[str, str]) -> None:
    """The Openwall $2a$ vectors verify with the pure engine, and a changed password does not."""
    assert PURE.verify(vector["password"], vector["hash"])
    assert not PURE.verify(vector["password"] + "x" if len(vector["password"]) < 72 else "x", vector["hash"])


@pytest.mark.parametrize("ident", ["2a", "2b", "2x", "2y"])
def test_every_label_hashes_alike(ident: str) -> None:
    """$2a$, $2b$, $2x$ and $2y$ differ only in the label (as in pyca/bcrypt)."""
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
    """core/passwords/_eksblowfish.py is exactly tools/gen_eksblowfish.py's output (no hand edits to the rounds)."""
    spec = importlib.util.spec_from_file_location("gen_eksblowfish", ROOT / "tools/gen_eksblowfish.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    committed = (ROOT / "core/passwords/_eksblowfish.py").read_text(encoding="utf-8")
    assert committed == generator.generate()

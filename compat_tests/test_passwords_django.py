"""Django ``pbkdf2_sha256$`` hashes: Django's own test vectors, the generated salt corpus, and passlib beside them.

Django is not a test dependency; its algorithm is spelled with hashlib in compat_tests/data/make_django_vectors.py,
and its own test vectors (600,000 and 1,500,000 iterations, hashlib's PBKDF2 only) check that spelling.
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    # passlib 1.7.4 imports the deprecated `crypt` module on 3.11+ (a DeprecationWarning, an error under our pytest).
    warnings.simplefilter("ignore", DeprecationWarning)
    from passlib.hash import django_pbkdf2_sha256

from compat_tests._ids import plain_id
from core.passwords import PasswordHasher

DATA = Path(__file__).parent / "data"
VECTORS = json.loads((DATA / "django_pbkdf2_sha256_vectors.json").read_text(encoding="utf-8"))
HASHER = PasswordHasher(rounds=1000)


def _salt(vector: dict[str, str]) -> str:
    return vector["hash"].split("$")[2]


@pytest.mark.parametrize("vector", VECTORS["django_tests"], ids=lambda v: v["hash"].split("$")[1])
def test_djangos_own_vectors_verify(vector: dict[str, str]) -> None:
    """The hashes Django's own test suite expects verify with core (and with passlib's Django handler)."""
    assert HASHER.verify(vector["password"], vector["hash"])
    assert not HASHER.verify(vector["password"] + "z", vector["hash"])
    assert django_pbkdf2_sha256.verify(vector["password"], vector["hash"])


def test_data_file_is_the_generators_output() -> None:
    """compat_tests/data/django_pbkdf2_sha256_vectors.json is exactly what make_django_vectors.py writes."""
    spec = importlib.util.spec_from_file_location("make_django_vectors", DATA / "make_django_vectors.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.vectors() == VECTORS


@pytest.mark.parametrize("vector", VECTORS["generated"], ids=lambda v: plain_id(v["hash"].split("$")[2][:12]))
def test_salts_django_accepts_beside_passlib(vector: dict[str, str]) -> None:
    """Every salt Django accepts verifies in core; passlib's handler refuses all but [A-Za-z0-9] ("invalid
    characters in django_pbkdf2_sha256 salt")."""
    assert HASHER.verify(vector["password"], vector["hash"])
    salt = _salt(vector)
    if salt.isascii() and salt.isalnum():
        assert django_pbkdf2_sha256.verify(vector["password"], vector["hash"])
    else:
        with pytest.raises(ValueError, match="invalid characters"):
            django_pbkdf2_sha256.verify(vector["password"], vector["hash"])


def test_core_django_hashes_verify_with_passlib() -> None:
    """A Django hash core makes (22 alphanumeric salt characters) verifies with passlib's Django handler."""
    hashed = PasswordHasher(1000, scheme="django-pbkdf2-sha256").hash("lètmein")
    assert django_pbkdf2_sha256.verify("lètmein", hashed)
    assert HASHER.verify("lètmein", django_pbkdf2_sha256.using(rounds=1000).hash("lètmein"))

"""The password contract against passlib 1.7.4 on the installed bcrypt (4.0.1 in compat-bcrypt401, 4.3.0 in
`compat`): hashes passlib makes verify in core, core's verify in passlib, for each scheme core reads."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    # passlib 1.7.4 imports the deprecated `crypt` module on 3.11+ (a DeprecationWarning, an error under our pytest)
    warnings.simplefilter("ignore", DeprecationWarning)
    from passlib.hash import bcrypt as passlib_bcrypt
    from passlib.hash import django_pbkdf2_sha256, pbkdf2_sha256

from compat_tests.release._passwords import PASSWORDS
from core.passwords import PasswordHasher

PBKDF2 = PasswordHasher(rounds=1000)
DJANGO = PasswordHasher(rounds=1000, scheme="django-pbkdf2-sha256")
BCRYPT = {"native": PasswordHasher(rounds=4, scheme="bcrypt"),
          "pure": PasswordHasher(rounds=4, scheme="bcrypt", pure_python=True)}


def _quiet(fn, *args):  # type: ignore[no-untyped-def]
    # passlib reads bcrypt.__about__ (gone since bcrypt 4.1) and warns about it: not what is tested here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


@pytest.mark.parametrize("password", PASSWORDS)
def test_pbkdf2_sha256_both_ways(password: str) -> None:
    """passlib's $pbkdf2-sha256$ hash verifies in core, core's in passlib, and equal salts give equal strings."""
    theirs = pbkdf2_sha256.using(rounds=1000).hash(password)
    assert PBKDF2.verify(password, theirs)
    assert not PBKDF2.verify("!" + password, theirs)
    assert pbkdf2_sha256.verify(password, PBKDF2.hash(password))
    salted = pbkdf2_sha256.using(rounds=1000, salt=bytes(range(16))).hash(password)
    assert PBKDF2.verify(password, salted)


@pytest.mark.parametrize("password", PASSWORDS)
def test_django_pbkdf2_sha256_both_ways(password: str) -> None:
    """passlib's Django-format hash verifies in core, and core's Django-format hash in passlib."""
    theirs = django_pbkdf2_sha256.using(rounds=1000).hash(password)
    assert DJANGO.verify(password, theirs)
    assert django_pbkdf2_sha256.verify(password, DJANGO.hash(password))


@pytest.mark.parametrize("ident", ["2a", "2b", "2y"])
@pytest.mark.parametrize("engine", sorted(BCRYPT))
def test_bcrypt_through_passlib_both_ways(ident: str, engine: str) -> None:
    """passlib's bcrypt hashes (each label) verify in core's native and pure engines, and core's in passlib."""
    hasher = BCRYPT[engine]
    for password in PASSWORDS:
        theirs = _quiet(passlib_bcrypt.using(rounds=4, ident=ident).hash, password)
        assert hasher.verify(password, theirs)
        assert _quiet(passlib_bcrypt.verify, password, hasher.hash(password))

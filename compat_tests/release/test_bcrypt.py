"""The password contract against the installed pyca/bcrypt (4.0.1 in compat-bcrypt401, 4.3.0 in `compat`, 5.0.0 in
compat-bcrypt5): its hashes verify in core's native and pure engines, and core's hashes verify in bcrypt."""

from __future__ import annotations

import bcrypt
import pytest

from compat_tests.release._passwords import PASSWORDS
from core.passwords import PasswordHasher

ENGINES = {"native": PasswordHasher(rounds=4, scheme="bcrypt"),
           "pure": PasswordHasher(rounds=4, scheme="bcrypt", pure_python=True)}


@pytest.mark.parametrize("prefix", [b"2a", b"2b"])
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_bcrypt_hashes_both_ways(prefix: bytes, engine: str) -> None:
    """bcrypt.hashpw's hashes (both labels gensalt makes) verify in core, and core's hashes in bcrypt.checkpw."""
    hasher = ENGINES[engine]
    for password in PASSWORDS:
        secret = password.encode()
        theirs = bcrypt.hashpw(secret, bcrypt.gensalt(4, prefix=prefix)).decode()
        assert hasher.verify(password, theirs)
        assert not hasher.verify("!" + password, theirs)
        assert bcrypt.checkpw(secret, hasher.hash(password).encode())

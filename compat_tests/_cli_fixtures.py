"""Generated inputs for the CLI tests (test_cli_*.py): tokens from python-jose and PyJWT, stored hashes from
passlib, pyca/bcrypt and Django's format, and a results folder shaped like the benchmarks' own."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import bcrypt
import jwt as pyjwt
from jose import jwt as jose_jwt

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # passlib imports `crypt` on 3.11+
    from passlib.hash import bcrypt as passlib_bcrypt
    from passlib.hash import pbkdf2_sha256

from core.passwords import PasswordHasher

DJANGO_VECTORS = json.loads((Path(__file__).resolve().parent / "data/django_pbkdf2_sha256_vectors.json")
                            .read_text(encoding="utf-8"))
KEY = "cli-fixture-key-" + "x" * 48  # 64 bytes: no key-length warning for any HMAC algorithm
NOW = 1_900_000_000


def tokens() -> dict[str, str]:
    """name -> token; each checked at NOW with audience "api" (see test_cli_tokens.py for the expected verdict)."""
    ok = {"sub": "user-1", "aud": "api", "iat": NOW - 60, "exp": NOW + 600}
    jose_token = jose_jwt.encode(dict(ok), KEY)
    return {
        "jose-valid": jose_token,
        "pyjwt-valid": pyjwt.encode(dict(ok), KEY),
        "expired": jose_jwt.encode({**ok, "exp": NOW - 10}, KEY),
        "exp-equals-now": jose_jwt.encode({**ok, "exp": NOW}, KEY),
        "no-aud": pyjwt.encode({"sub": "user-1", "exp": NOW + 600}, KEY),
        "padded": jose_token + "==",
        "crit": jose_jwt.encode(dict(ok), KEY, headers={"crit": ["x-ext"], "x-ext": 1}),
        "exp-string": jose_jwt.encode({**ok, "exp": str(NOW + 600)}, KEY),
        "iat-future": pyjwt.encode({**ok, "iat": NOW + 300}, KEY),
        "oversized": jose_jwt.encode({**ok, "blob": "b" * 9000}, KEY),
        "wrong-key": pyjwt.encode(dict(ok), "another-key-" + "y" * 52),
    }


def hashes() -> dict[str, list[str]]:
    """group name -> stored hashes (cheap work factors: the inventory parses, it never verifies)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "passlib-pbkdf2-29000": [pbkdf2_sha256.using(rounds=29_000, salt=bytes([i] * 16)).hash("pw")
                                     for i in range(3)],
            "core-pbkdf2-600000": [PasswordHasher(rounds=1000).hash("pw").replace("$1000$", "$600000$")],
            "bcrypt-2b-04": [bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode() for _ in range(2)],
            "passlib-bcrypt-2a-05": [passlib_bcrypt.using(rounds=5, ident="2a").hash("pw")],
            "django-1000": [PasswordHasher(rounds=1000, scheme="django-pbkdf2-sha256").hash("pw")],
            # made by Django itself: the two hashes of its tests/auth_tests/test_hashers.py ("lètmein")
            "django-tests": [v["hash"] for v in DJANGO_VECTORS["django_tests"]],
            "refused": ["$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                        "5f4dcc3b5aa765d61d8327deb882cf99", "plaintext-password", "$2b$12$truncated", "!",
                        "$2$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"],
        }


def bench_results(folder: Path, run: str = "20261130T141502-4242") -> Path:
    """A results folder with the five login figures, in the files and units bench/ writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    recorded = {mid: {"id": mid, "value": value, "unit": unit, "details": {"run": run}} for mid, value, unit in (
        ("passwords.bcrypt8.verify.pure", 1.0, "s"), ("workers.login.pbkdf2_600k", 1200.0, "ms"),
        ("workers.login.bcrypt_cost10", 12_000.0, "ms"))}
    (folder / "measurements.json").write_text(json.dumps(recorded))
    timings = [{"extra_info": {"id": mid, "run": run}, "stats": {"median": median}}
               for mid, median in (("passwords.hash.600k.core", 0.15), ("passwords.bcrypt8.verify.native", 0.016))]
    (folder / "benchmarks.json").write_text(json.dumps({"benchmarks": timings}))
    session = {"run": run, "quick": False, "machine": {"implementation": "CPython", "python": "3.11.7"}}
    (folder / "run.json").write_text(json.dumps(session))
    return folder

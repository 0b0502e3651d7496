"""Regenerate django_pbkdf2_sha256_vectors.json: Django ``pbkdf2_sha256$`` hashes with the salts Django accepts.

Django is not installed anywhere in this project, so the hashes are computed here with ``hashlib`` by the algorithm
of ``django.contrib.auth.hashers.PBKDF2PasswordHasher.encode`` (Django 4.2-5.2):

    hash = base64.b64encode(pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)).decode("ascii")
    "%s$%d$%s$%s" % ("pbkdf2_sha256", iterations, salt, hash)

where ``encode`` asserts only ``salt and "$" not in salt``. The ``django_tests`` list is copied from Django's own
tests/auth_tests/test_hashers.py (``test_pbkdf2``; the 600,000 iteration vector of Django 4.2 and the 1,500,000
one of a later release), so the algorithm above is checked against Django's own output too.
Usage, from the repository root: ``python compat_tests/data/make_django_vectors.py``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

# Salts Django's hasher accepts (anything non-empty without "$") that core refused before: spaces, controls,
# non-ASCII, base64 punctuation, long ones up to core's 1024-byte cap.
SALTS = ["seasalt", "sea salt", " leading and trailing ", "tab\tand\nnewline", "ünïcødé", "塩", "🧂 salt",
         "=+/.,;:!?*", "a" * 200, "é" * 512]
PASSWORDS = ["lètmein", "", "pässwörd ✓"]
DJANGO_TESTS = [
    {"password": "lètmein",
     "hash": "pbkdf2_sha256$600000$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA="},
    {"password": "lètmein",
     "hash": "pbkdf2_sha256$1500000$seasalt$P4UiMPVduVWIL/oS1GzH+IofsccjJNM5hUTikBvi5to="},
]


def django_hash(password: str, salt: str, iterations: int) -> str:
    """Django's PBKDF2PasswordHasher.encode, spelled with hashlib."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return "pbkdf2_sha256$%d$%s$%s" % (iterations, salt, base64.b64encode(digest).decode("ascii"))  # noqa: UP031


def vectors() -> dict[str, object]:
    """The file's content."""
    generated = [
        {"password": password, "hash": django_hash(password, salt, iterations)}
        for index, salt in enumerate(SALTS)
        for password, iterations in [(PASSWORDS[index % len(PASSWORDS)], 1000 + index)]
    ]
    return {
        "source": "compat_tests/data/make_django_vectors.py (Django's PBKDF2PasswordHasher algorithm via hashlib; "
                  "django_tests from Django's tests/auth_tests/test_hashers.py)",
        "generated": generated,
        "django_tests": DJANGO_TESTS,
    }


if __name__ == "__main__":
    out = Path(__file__).with_name("django_pbkdf2_sha256_vectors.json")
    out.write_text(json.dumps(vectors(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

"""Passwords of the password contract (test_passlib.py, test_bcrypt.py): ASCII, non-ASCII, empty-ish, 72 bytes."""

PASSWORDS = ["correct horse battery staple", "pässwörd-ü€", "x", "p" * 72]

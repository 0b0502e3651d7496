"""The bcrypt hash format (``$2a$ $2b$ $2x$ $2y$``): parsing, refusals with their messages, new hashes, engines."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from core.passwords import MalformedHashError, PasswordHasher, _bcrypt

# bcrypt of "password" at cost 4 with a fixed salt (pyca/bcrypt 4.3.0; compat_tests re-check it).
STORED = "$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm"
SALT, CHECK = STORED[7:29], STORED[29:]
FORMAT = "a bcrypt hash is $2b$<cost>$ followed by 53 characters of ./A-Za-z0-9"
HAS_NATIVE = importlib.util.find_spec("bcrypt") is not None


def _spy_on_hashpw(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[bytes]:
    """Record the salt of every call to the bcrypt package's hashpw (the call still computes)."""
    calls: list[bytes] = []
    real = module.hashpw

    def spy(password: bytes, salt: bytes) -> bytes:
        calls.append(salt)
        return real(password, salt)

    monkeypatch.setattr(module, "hashpw", spy)
    return calls


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        (STORED[:-1], FORMAT),
        (STORED + "m", FORMAT),
        ("$2b$4$" + SALT + CHECK + "m", FORMAT),  # one-digit cost (60 characters all the same)
        ("$2b$04/" + SALT + CHECK, FORMAT),
        ("$2b$0a$" + SALT + CHECK, FORMAT),
        ("$2b$٠٤$" + SALT + CHECK, FORMAT),
        ("$2b$ 4$" + SALT + CHECK, FORMAT),
        ("$2b$04$" + SALT + CHECK[:-1] + "+", FORMAT),
        ("$2b$04$" + SALT + CHECK[:-1] + "$", FORMAT),
        ("$2b$04$" + "=" + SALT[1:] + CHECK, FORMAT),
        ("$2b$03$" + SALT + CHECK, "bcrypt cost 3 is outside 4..31"),
        ("$2b$00$" + SALT + CHECK, "bcrypt cost 0 is outside 4..31"),
        ("$2y$32$" + SALT + CHECK, "bcrypt cost 32 is outside 4..31"),
    ],
)
def test_bcrypt_format_refusals(stored: str, message: str) -> None:
    """A bcrypt-labelled hash that breaks the format raises MalformedHashError with the message saying what."""
    with pytest.raises(MalformedHashError) as info:
        _bcrypt.parse(stored)
    assert str(info.value) == message
    if stored.isascii():
        with pytest.raises(MalformedHashError) as again:
            PasswordHasher(rounds=1000).verify("password", stored)
        assert str(again.value) == message


@pytest.mark.parametrize(("ident", "cost"), [("a", 4), ("b", 31), ("x", 10), ("y", 12)])
def test_parse_reads_label_cost_salt_and_checksum(ident: str, cost: int) -> None:
    """parse() gives the label letter, the cost (4..31), the 16-byte salt and the 23-byte checksum; the setting
    and the string render them back with a two-digit cost."""
    text = f"$2{ident}${cost:02d}${SALT}{CHECK}"
    parsed = _bcrypt.parse(text)
    assert (parsed.ident, parsed.cost, len(parsed.salt), len(parsed.checksum)) == (ident, cost, 16, 23)
    assert parsed.canonical
    assert parsed.setting == f"$2{ident}${cost:02d}${SALT}"
    assert parsed.to_string() == text
    assert _bcrypt.is_bcrypt(text)


def test_labels_recognised() -> None:
    """Only the four bcrypt labels are bcrypt: $2$ and other crypt schemes are not."""
    for label in ("$2a$", "$2b$", "$2x$", "$2y$"):
        assert _bcrypt.is_bcrypt(label + "04$")
    for other in ("$2$04$", "$2c$04$", "$1$", "2b$04$", "$pbkdf2-sha256$"):
        assert not _bcrypt.is_bcrypt(other)


def test_bcrypt_base64_alphabet() -> None:
    """bcrypt's base64 uses ./A-Za-z0-9 in that order, without padding."""
    assert _bcrypt.bcrypt_b64encode(b"\x00\x10\x83") == "./AB"
    assert _bcrypt.bcrypt_b64encode(bytes([0xFF, 0xFF])) == "996"
    assert _bcrypt.bcrypt_b64encode(b"") == ""


@pytest.mark.parametrize("ident", ["2a", "2b", "2y"])
def test_new_hashes_carry_label_cost_and_a_fresh_salt(ident: str) -> None:
    """hash_new makes ``$<ident>$<cost>$`` hashes with a fresh 16-byte salt that verify (and others do not)."""
    first = _bcrypt.hash_new(b"pw", 4, ident)
    second = _bcrypt.hash_new(b"pw", 5, ident)
    assert first.startswith(f"${ident}$04$")
    assert second.startswith(f"${ident}$05$")
    assert len(first) == 60
    assert first[7:29] != second[7:29]
    assert _bcrypt.parse(first).canonical
    assert _bcrypt.verify(b"pw", first)
    assert _bcrypt.verify(b"pw", second)
    assert not _bcrypt.verify(b"pX", first)


def test_pure_engine_makes_hashes_the_default_engine_verifies() -> None:
    """hash_new(pure=True) computes the checksum in the pure engine; the result verifies with the default engine."""
    made = _bcrypt.hash_new(b"pw", 4, "2y", pure=True)
    assert made.startswith("$2y$04$")
    assert _bcrypt.verify(b"pw", made)
    assert not _bcrypt.verify(b"pX", made)


def test_pure_and_default_engines_make_the_same_checksum() -> None:
    """The pure engine computes the same checksum as the default one for every label it shares with it."""
    parsed = _bcrypt.parse(f"$2y$04${SALT}{CHECK}")
    assert _bcrypt.checksum(b"password", parsed) == _bcrypt.checksum(b"password", parsed, pure=True)
    assert _bcrypt.verify(b"password", STORED)
    assert not _bcrypt.verify(b"passwore", STORED, pure=True)


def test_keys_are_cut_at_72_bytes() -> None:
    """Only the first 72 bytes of a password are key bytes, in both engines; the 72nd byte still counts."""
    stored = _bcrypt.hash_new(b"a" * 72, 4, "2b")
    assert _bcrypt.verify(b"a" * 72 + b"tail", stored)
    assert not _bcrypt.verify(b"a" * 71 + b"b", stored)
    assert not _bcrypt.verify(b"a" * 71, stored)
    assert _bcrypt.verify(b"a" * 72 + b"b", stored, pure=True)


@pytest.mark.skipif(not HAS_NATIVE, reason="the bcrypt package is not installed")
def test_native_package_is_used_and_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the bcrypt package importable the default engine is it (imported once); pure=True, $2x$ and the $2a$
    safety flip never reach it."""
    module = _bcrypt.native_module()
    assert module is not None
    assert _bcrypt.native_module() is module
    assert _bcrypt.engine_name() == "native"
    calls = _spy_on_hashpw(monkeypatch, module)
    parsed = _bcrypt.parse(STORED)
    native = _bcrypt.checksum(b"password", parsed)
    assert calls == [parsed.setting.encode("ascii")]
    assert native == parsed.checksum
    _bcrypt.checksum(b"password", parsed, safety=True)
    _bcrypt.checksum(b"password", _bcrypt.parse("$2x$" + STORED[4:]))
    assert len(calls) == 1


def test_missing_package_falls_back_to_the_pure_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an importable bcrypt package the default engine is the pure one, and hashes still verify."""
    monkeypatch.setattr(_bcrypt, "_native_probed", False)
    monkeypatch.setattr(_bcrypt, "_native_module", None)

    def refuse(name: str) -> object:
        raise ImportError(name)

    monkeypatch.setattr(importlib, "import_module", refuse)
    assert _bcrypt.native_module() is None
    assert _bcrypt.engine_name() == "pure"
    assert _bcrypt.verify(b"password", STORED)


def test_safety_flip_is_tried_only_for_2a() -> None:
    """A password that needs crypt_blowfish's safety flip verifies against the flipped $2a$ hash only; the same
    checksum under $2b$ or $2y$ does not verify."""
    password = b"\xff\xa3" + b"34" + b"\xff\xff\xff\xa3" + b"345"
    parsed = _bcrypt.parse("$2a$04$" + SALT + CHECK)
    flipped = _bcrypt.checksum(password, parsed, pure=True, safety=True)
    stored = parsed.setting + _bcrypt.bcrypt_b64encode(flipped)
    assert _bcrypt.verify(password, stored)
    for label in ("$2b$", "$2y$"):
        assert not _bcrypt.verify(password, label + stored[4:])
    plain = parsed.setting + _bcrypt.bcrypt_b64encode(_bcrypt.checksum(password, parsed))
    assert _bcrypt.verify(password, plain)
    assert not _bcrypt.verify(b"\xff\xa3", plain)


@pytest.mark.skipif(not HAS_NATIVE, reason="the bcrypt package is not installed")
def test_verify_and_hash_new_default_to_the_native_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pure=, verify and hash_new compute with the bcrypt package (one hashpw call each)."""
    module = _bcrypt.native_module()
    assert module is not None
    calls = _spy_on_hashpw(monkeypatch, module)
    assert _bcrypt.verify(b"password", STORED)
    made = _bcrypt.hash_new(b"pw", 4, "2b")
    assert len(calls) == 2
    assert calls[1] == made[:29].encode()

"""bcrypt's key words: correct, with crypt_blowfish's sign-extension bug, and its $2a$ safety condition."""

from __future__ import annotations

from core.passwords._bf_key import buggy_words, correct_words, key_stream, needs_safety_flip

# crypt_blowfish 1.3's own self-test key (crypt_blowfish.c, _crypt_blowfish_rn): its $2a$ and $2y$ key words
# coincide, so $2a$ flips the safety bit for it.
SELF_TEST_KEY = b"\xff\xa3" b"34" b"\xff\xff\xff\xa3" b"345"
BLOWFISH_P0 = 0x243F6A88  # the first P-array word, from the digits of pi


def test_key_stream_cycles_the_nul_terminated_password() -> None:
    """The key is the password plus NUL, repeated to 72 bytes; a longer password is cut at 72 with no NUL."""
    assert key_stream(b"ab") == (b"ab\0" * 24)
    assert key_stream(b"") == bytes(72)
    assert key_stream(bytes(range(1, 100))) == bytes(range(1, 73))


def test_crypt_blowfish_self_test_words() -> None:
    """crypt_blowfish's self-test: initial P[0] is 0xdb9c59bc and the last key word 0x33343500, buggy or not."""
    words = correct_words(SELF_TEST_KEY)
    assert words[0] ^ BLOWFISH_P0 == 0xDB9C59BC
    assert words[17] == 0x33343500
    assert buggy_words(SELF_TEST_KEY) == (words, True)
    assert needs_safety_flip(SELF_TEST_KEY)


def test_sign_extension_wipes_the_bytes_before_it_in_its_word() -> None:
    """A byte >= 0x80 ORed in as a signed char sets every earlier byte of its word to 0xFF (the $2x$ bug)."""
    words, sign_seen = buggy_words(b"1\xa3")  # stream 31 a3 00 31 | a3 00 31 a3 | ...
    assert words[0] == 0xFFA30031
    assert correct_words(b"1\xa3")[0] == 0x31A30031
    assert sign_seen


def test_extension_in_the_first_place_is_benign() -> None:
    """A high byte that starts a word is shifted out of it: no difference and no sign flag."""
    assert buggy_words(b"\xa3\x00\x00") == (correct_words(b"\xa3\x00\x00"), False)


def test_safety_needs_coinciding_words_and_a_sign_bit() -> None:
    """The $2a$ flip applies only when buggy and correct words coincide after a non-benign extension."""
    assert not needs_safety_flip(b"password")  # no high byte
    assert not needs_safety_flip(b"\xa3")  # words differ (wraparound puts a3 after 00)
    assert not needs_safety_flip("ünïcødé".encode())  # UTF-8 never holds 0xFF
    assert not needs_safety_flip(b"\xff\xa3345")  # 0xFF present, but some word still differs
    assert needs_safety_flip(b"\xff\xff\xa3")

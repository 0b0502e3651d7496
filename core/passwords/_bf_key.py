"""bcrypt's key schedule input: the 18 key words, correct or with crypt_blowfish's pre-2011 sign-extension bug.

The key is a cyclic byte stream (the password's bytes plus a terminating NUL, cut at 72 bytes), read four bytes
big-endian per P-array word (OpenBSD ``bcrypt.c`` ``stream2word``). crypt_blowfish (PHP's ``crypt``, glibc patches
of many Linux distributions) before 1.1 (2011) ORed each byte into the word as a *signed* char, so a byte >= 0x80
sign-extended over the bytes before it in that word. Since 1.1 its labels say which way a hash was made
(crypt_blowfish.c ``BF_set_key``, "Valid combinations of settings"):

- ``$2x$``: the buggy words (kept so that old hashes still verify);
- ``$2y$`` / ``$2b$``: the correct words;
- ``$2a$``: the correct words, plus a "safety" countermeasure: when a byte >= 0x80 stood in the 2nd-4th place of
  a word (a sign extension that is not benign) and yet the buggy and correct words of the whole key coincide,
  bit 16 of the initial P[0] (P-array XOR key word) is flipped, so that such a password cannot collide with the
  set of buggy-algorithm passwords mapping to the same words. The words used inside the EksBlowfish loop are not
  changed. Coinciding words need every byte before a high byte in its word to be 0xFF, a byte that UTF-8 never
  produces: only ``bytes`` passwords holding 0xFF can meet the condition.

OpenBSD and pyca/bcrypt have neither: they hash every label with the correct words and no flip.
"""

from __future__ import annotations

KEY_BYTES = 72  # 18 P-array words of 4 bytes
SAFETY_BIT = 0x10000  # bit 16 of the initial P[0]: crypt_blowfish's choice ("arbitrary, but let's stick to it")


def key_stream(password: bytes) -> bytes:
    """The 72 key bytes: the password (cut at 72 bytes) with its NUL terminator, repeated."""
    key = (password[:KEY_BYTES] + b"\0")[:KEY_BYTES]
    return (key * (KEY_BYTES // len(key) + 1))[:KEY_BYTES]


def correct_words(password: bytes) -> list[int]:
    """The 18 key words as OpenBSD, pyca/bcrypt and crypt_blowfish's ``$2a$ $2b$ $2y$`` compute them."""
    import struct  # on first use: import core.passwords has a budget, bcrypt keys are only made at verify time

    return list(struct.unpack(">18I", key_stream(password)))


def buggy_words(password: bytes) -> tuple[list[int], bool]:
    """The key words of crypt_blowfish's sign-extension bug (``$2x$``), and whether a non-benign extension occurred.

    A byte in the first place of a word is benign: its extension is shifted out of the 32-bit word by the three
    bytes that follow.
    """
    stream = key_stream(password)
    words: list[int] = []
    sign_seen = False
    for start in range(0, KEY_BYTES, 4):
        word = 0
        for place, byte in enumerate(stream[start : start + 4]):
            if byte & 0x80:
                # (signed char)byte as a 32-bit word: 0xFFFFFF00 | byte
                word = ((word << 8) | 0xFFFFFF00 | byte) & 0xFFFFFFFF
                sign_seen = sign_seen or place > 0
            else:
                word = ((word << 8) | byte) & 0xFFFFFFFF
        words.append(word)
    return words, sign_seen


def needs_safety_flip(password: bytes) -> bool:
    """Whether crypt_blowfish's ``$2a$`` safety flips bit 16 of P[0] for this password (see the module doc)."""
    if b"\xff" not in password[:KEY_BYTES]:
        return False  # coinciding words with a non-benign extension need a 0xFF byte before the high byte
    buggy, sign_seen = buggy_words(password)
    return sign_seen and buggy == correct_words(password)

"""bcrypt's EksBlowfish in pure Python (Provos & Mazières 1999; OpenBSD ``bcrypt.c``), for interpreters
without the ``bcrypt`` package (Pyodide / Cloudflare Workers).
The 16 Feistel rounds are unrolled by tools/gen_eksblowfish.py into ``_eksblowfish_rounds.py`` (generated: edit the
generator, not that file); the rest of the engine is written here.

Where the time goes (cost 8 = 256 x 2 key expansions x 521 block encryptions x 16 Feistel rounds) and what the
generated rounds do about it, counted with callgrind (instructions per cost-5-minus-cost-4 run, deterministic on
this shared machine where wall and CPU timings swing by 20%) and timed side by side with passlib's unrolled backend:
- the whole 2**cost loop is one function (``_eks_loop``) with the 18 P words as locals for its whole run; the P
  part of each expansion is straight-line code writing those locals (no ``encipher`` call, no list per block);
- a round's byte indices come from one C call, ``x.to_bytes(5, "little")``, unpacked into small ints (cached by
  CPython, so no allocation): -7% instructions on 3.11 against two shifts/masks on the 16-bit halves plus four
  byte extractions, -9% on 3.12/3.13. ``"little"`` because int.to_bytes tests for it first (one string compare);
- no ``& 0xffffffff`` per round: a round's sum can carry into bits 32-33; ``to_bytes(5)`` puts that garbage in a
  fifth byte that is ignored, so the S-boxes need no copies. Words are masked once per block, when stored, which
  keeps every value below 2**34 (XOR does not grow it; each round adds at most two carries over a clean word);
- S-boxes are flat lists in locals (list[int] subscripts are specialised by CPython 3.11+).
Measured and not kept: floor division for the byte indices (-2..-4% instructions, superseded by to_bytes);
``y = F ^ p ^ y`` instead of ``y ^= ...`` (no change); two blocks per loop iteration (no change: the loop is <1%).
"""

from __future__ import annotations

import struct

from core.passwords._blowfish_pi import P_WORDS, PI_FRACTION_HEX, S_WORDS
from core.passwords._eksblowfish_rounds import _eks_loop, encipher

_CTEXT = struct.unpack(">6I", b"OrpheanBeholderScryDoubt")  # bcrypt's magic plaintext (OpenBSD bcrypt.c)

_State = tuple[list[int], list[int], list[int], list[int], list[int]]


_PI_WORDS: list[tuple[int, ...]] = []


def _pi_words() -> tuple[int, ...]:
    """The 1,042 initial words, parsed on first use (not at import time, which Workers snapshots)."""
    if not _PI_WORDS:
        _PI_WORDS.append(struct.unpack(f">{P_WORDS + S_WORDS}I", bytes.fromhex("".join(PI_FRACTION_HEX))))
    return _PI_WORDS[0]


def initial_state() -> _State:
    """Fresh copies of Blowfish's P-array and S-boxes."""
    words = _pi_words()
    s = [list(words[P_WORDS + 256 * i : P_WORDS + 256 * (i + 1)]) for i in range(4)]
    return list(words[:P_WORDS]), s[0], s[1], s[2], s[3]


def _expand_state(state: _State, salt: list[int], key: list[int]) -> None:
    """EksBlowfish's ExpandKey(state, salt, key): XOR the key into P, re-encrypt P and the S-boxes with the salt
    XORed into each block's input (once per hash, so a plain loop over ``encipher``)."""
    P = state[0]
    for i in range(P_WORDS):
        P[i] ^= key[i]
    xl = xr = 0
    n = 0
    for box in state:
        for j in range(0, len(box), 2):
            xl, xr = encipher(xl ^ salt[n % 4], xr ^ salt[n % 4 + 1], state)
            n += 2
            box[j] = xl
            box[j + 1] = xr


def bcrypt_raw(cost: int, salt: bytes, key_words: list[int], p0_flip: int = 0) -> bytes:
    """The 24 raw bytes of bcrypt(cost, 16-byte salt, key) given the key's 18 words (core/passwords/_bf_key.py).

    ``p0_flip`` is XORed into the initial P[0] only, not into the key words of the EksBlowfish loop: crypt_blowfish's
    ``$2a$`` safety countermeasure (``BF_set_key``'s ``initial[0] ^= sign``).
    """
    state = initial_state()
    state[0][0] ^= p0_flip
    # The salt is used as a cyclic stream of 4 words (OpenBSD stream2word).
    salt_words = list(struct.unpack(">4I", salt))
    salt_18 = (salt_words * 5)[:P_WORDS]
    _expand_state(state, salt_words, key_words)
    _eks_loop(state, key_words, salt_18, 1 << cost)
    out: list[int] = []
    for i in range(0, 6, 2):
        xl, xr = _CTEXT[i], _CTEXT[i + 1]
        for _ in range(64):
            xl, xr = encipher(xl, xr, state)
        out += (xl, xr)
    return struct.pack(">6I", *out)

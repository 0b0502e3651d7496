"""Blowfish's initial state is exactly the hexadecimal digits of pi, recomputed here rather than trusted."""

from __future__ import annotations

from core.passwords._blowfish_pi import P_WORDS, PI_FRACTION_HEX, S_WORDS
from core.passwords._eksblowfish import initial_state


def _arctan_inverse(x: int, one: int) -> int:
    """arctan(1/x) scaled by ``one``, by its Taylor series in integer arithmetic."""
    total = term = one // x
    n, sign = 1, -1
    while term:
        term //= x * x
        total += sign * (term // (2 * n + 1))
        sign, n = -sign, n + 1
    return total


def pi_fraction_hex(digits: int) -> str:
    """The first ``digits`` hex digits of pi's fractional part (Machin: pi = 16 atan(1/5) - 4 atan(1/239))."""
    guard = 64  # bits of headroom against the truncation error of the series
    one = 1 << (4 * digits + guard)
    pi = 16 * _arctan_inverse(5, one) - 4 * _arctan_inverse(239, one)
    return format((pi - 3 * one) >> guard, f"0{digits}x")


def test_constants_are_the_digits_of_pi() -> None:
    """The embedded 8,336 hex digits equal pi's fractional hex digits computed from Machin's formula."""
    embedded = "".join(PI_FRACTION_HEX)
    assert len(embedded) == 8 * (P_WORDS + S_WORDS)
    assert embedded == pi_fraction_hex(len(embedded))


def test_machin_computation_matches_known_digits() -> None:
    """The digit generator itself gives pi's well-known leading hex digits 3.243F6A8885A308D3."""
    assert pi_fraction_hex(16) == "243f6a8885a308d3"


def test_published_words() -> None:
    """P[0], P[17], S0[0] and S3[255] are the words printed in Schneier's Blowfish reference code."""
    P, S0, _, _, S3 = initial_state()
    assert (P[0], P[17], S0[0], S3[255]) == (0x243F6A88, 0x8979FB1B, 0xD1310BA6, 0x3AC372E6)


def test_state_shapes() -> None:
    """The engine's state is an 18-word P-array and four 256-word S-boxes (no replicated S0; see _eksblowfish)."""
    P, *boxes = initial_state()
    assert len(P) == 18
    assert [len(box) for box in boxes] == [256, 256, 256, 256]

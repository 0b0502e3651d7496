"""Punycode (RFC 3492) on ``str``, agreeing with the standard library's ``punycode`` codec.

Why not ``label.encode("punycode")``: the codec goes through the codec registry and bytes conversions and
re-scans the whole label once per distinct non-ASCII code point. With it in their place, validating the compat
corpus (the 503 distinct addresses of compat_tests/data, caches cleared each round) took 1.15x the CPU on CPython
3.11 (median of 41 alternating rounds). These two functions are
RFC 3492 section 6's pseudocode, one pass per distinct code point, on ``str``. compat_tests/test_emails_punycode.py
checks them against the standard library codec (equal output, and errors on the same inputs).
"""

from __future__ import annotations

# RFC 3492 section 5: the Punycode parameter values.
_BASE = 36
_TMIN = 1
_TMAX = 26
_SKEW = 38
_DAMP = 700
_INITIAL_BIAS = 72
_INITIAL_N = 0x80
_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"
# Decoding: digit values of "a"-"z" / "A"-"Z" (0-25) and "0"-"9" (26-35); RFC 3492 5: either case.
_DIGIT_VALUES = {**{c: i for i, c in enumerate(_DIGITS)}, **{c.upper(): i for i, c in enumerate(_DIGITS[:26])}}
_MAX_CODE_POINT = 0x10FFFF


class PunycodeError(ValueError):
    """The text is not Punycode (a bad digit, a truncated number, or a code point beyond U+10FFFF)."""


def _adapt(delta: int, first: bool, numpoints: int) -> int:
    # RFC 3492 section 6.1.
    delta = delta // _DAMP if first else delta // 2
    delta += delta // numpoints
    k = 0
    while delta > ((_BASE - _TMIN) * _TMAX) // 2:
        delta //= _BASE - _TMIN
        k += _BASE
    return k + (_BASE - _TMIN + 1) * delta // (delta + _SKEW)


def encode(text: str) -> str:
    """The Punycode of ``text`` (without the "xn--" prefix), as ``text.encode("punycode").decode("ascii")``."""
    codes = [ord(c) for c in text]
    out = [c for c in text if c < "\x80"]
    b = h = len(out)
    if b:
        out.append("-")
    append = out.append
    n, delta, bias = _INITIAL_N, 0, _INITIAL_BIAS
    for m in sorted({c for c in codes if c >= _INITIAL_N}):
        delta += (m - n) * (h + 1)
        n = m
        for c in codes:
            if c < n:
                delta += 1
            elif c == n:
                q, k = delta, _BASE
                while True:
                    t = k - bias
                    t = _TMIN if t < _TMIN else _TMAX if t > _TMAX else t
                    if q < t:
                        break
                    append(_DIGITS[t + (q - t) % (_BASE - t)])
                    q = (q - t) // (_BASE - t)
                    k += _BASE
                append(_DIGITS[q])
                bias = _adapt(delta, h == b, h + 1)
                delta = 0
                h += 1
        delta += 1
        n += 1
    return "".join(out)


def is_canonical(text: str) -> bool:
    """Whether lower-case ``text``, which decode() accepted, is what encode() gives for its decoding.

    No need to encode again: the digits of each delta are unique for a given bias (only the last digit is below
    its threshold), and decode() inserts code points in the encoder's order (n only grows, and for one n the
    insertion point only moves right, since wrapping around increments n), so the deltas are the encoder's. What
    is left is the delimiter: the encoder writes "-" only after a non-empty run of basic code points.
    compat_tests/test_emails_punycode.py checks this equivalence against the standard library codec.
    """
    return text.rfind("-") != 0


def decode(text: str) -> str:
    """The text that ``text`` (ASCII, without "xn--") is the Punycode of; raises PunycodeError as the codec would.

    Like the standard library (and unlike a strict RFC 3492 decoder) it does not check that the input is the
    canonical encoding of its result; callers compare ``encode(decode(x))`` with ``x`` for that.
    """
    if not text.isascii():
        raise PunycodeError("Punycode is ASCII")
    pos = text.rfind("-")
    out = list(text[:pos]) if pos > 0 else []
    extended = text[pos + 1 :] if pos >= 0 else text
    n, i, bias = _INITIAL_N, 0, _INITIAL_BIAS
    end = len(extended)
    j = 0
    while j < end:
        old_i, w, k = i, 1, _BASE
        first = j == 0
        while True:
            if j >= end:
                raise PunycodeError("incomplete punycode string")
            digit = _DIGIT_VALUES.get(extended[j])
            if digit is None:
                raise PunycodeError(f"Invalid extended code point {extended[j]!r}")
            j += 1
            i += digit * w
            t = _TMIN if k <= bias else _TMAX if k >= bias + _TMAX else k - bias
            if digit < t:
                break
            w *= _BASE - t
            k += _BASE
        length = len(out) + 1
        bias = _adapt(i - old_i, first, length)
        n += i // length
        i %= length
        if n > _MAX_CODE_POINT:
            raise PunycodeError(f"Invalid character U+{n:x}")
        out.insert(i, chr(n))
        i += 1
    return "".join(out)

"""PBKDF2-HMAC-SHA256 (RFC 8018 §5.2): ``hashlib.pbkdf2_hmac`` where it exists, a pure-Python fallback elsewhere.

Pyodide 314 (Cloudflare Python Workers) ships no ``_hashlib``, so ``hashlib.pbkdf2_hmac`` is missing there; the
fallback builds HMAC (RFC 2104) from two pre-keyed SHA-256 states that are copied per iteration, which measured
~3x ``hashlib.pbkdf2_hmac`` on CPython 3.11 (a loop over ``hmac.digest`` re-keys every call and measured ~7.6x).
"""

from __future__ import annotations

from core._hmac_keys import pad_states

# hashlib is imported inside the functions: loading OpenSSL's _hashlib costs ~2.5 ms of import time, paid only by
# the first hash. hashlib.pbkdf2_hmac is looked up per call (absent on Pyodide 314); tests force the fallback with
# ``pure=True`` on every CPython.

_DIGEST_SIZE = 32


def native_available() -> bool:
    """True when ``hashlib.pbkdf2_hmac`` exists in this interpreter (CPython; not Pyodide 314)."""
    import hashlib  # lazy, see above

    return hasattr(hashlib, "pbkdf2_hmac")


def pbkdf2_sha256(password: bytes, salt: bytes, rounds: int, dklen: int = _DIGEST_SIZE, *, pure: bool = False) -> bytes:
    """Derive ``dklen`` bytes with PBKDF2-HMAC-SHA256; ``pure=True`` forces the pure-Python fallback."""
    if rounds < 1 or dklen < 1:
        raise ValueError("rounds and dklen must be positive")
    import hashlib  # lazy, see above

    if not pure and hasattr(hashlib, "pbkdf2_hmac"):
        return hashlib.pbkdf2_hmac("sha256", password, salt, rounds, dklen)
    return _pbkdf2_sha256_pure(password, salt, rounds, dklen)


def _pbkdf2_sha256_pure(password: bytes, salt: bytes, rounds: int, dklen: int) -> bytes:
    inner_state, outer_state = pad_states(password, "sha256")  # not cached: these states hold the password
    inner_copy, outer_copy = inner_state.copy, outer_state.copy
    from_bytes = int.from_bytes
    blocks = []
    for index in range(1, -(-dklen // _DIGEST_SIZE) + 1):
        inner = inner_copy()
        inner.update(salt + index.to_bytes(4, "big"))
        outer = outer_copy()
        outer.update(inner.digest())
        u = outer.digest()
        acc = from_bytes(u, "big")
        for _ in range(rounds - 1):
            inner = inner_copy()
            inner.update(u)
            outer = outer_copy()
            outer.update(inner.digest())
            u = outer.digest()
            acc ^= from_bytes(u, "big")
        blocks.append(acc.to_bytes(_DIGEST_SIZE, "big"))
    return b"".join(blocks)[:dklen]

"""PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) by the fastest of three paths this interpreter has, all giving the same bytes.

- ``"hashlib"``: ``hashlib.pbkdf2_hmac``, OpenSSL's C loop (CPython).
- ``"oneshot"``: a loop over CPython's built-in HACL* HMAC, ``_hmac.compute_sha256`` (CPython >= 3.14, Pyodide 314,
  which has no ``_hashlib`` and so no ``hashlib.pbkdf2_hmac``: what Cloudflare Python Workers run). Inside Pyodide
  314.0.7 under Node 20 it took 0.63x the CPU of the ``"copy"`` loop at 600,000 rounds (same process, alternating;
  workers_harness/measure.mjs pbkdf2-paths): 0.72x from the one C call per HMAC replacing six (it re-hashes the
  padded key, two more compressions, yet the state copies cost more in WebAssembly), the rest from running the
  iteration chain without bytecode per round (see _oneshot_chain).
- ``"copy"``: HMAC (RFC 2104) from two pre-keyed SHA-256 states copied per iteration, ~3x ``hashlib.pbkdf2_hmac``
  on CPython 3.11 (a loop over ``hmac.digest`` re-keys every call and measured ~7.6x there).

``pure=True`` picks the fastest path that is not hashlib's (what Workers runs); ``path=`` forces one.
"""

from __future__ import annotations

from itertools import repeat

from core._hmac_keys import block_key, oneshot, pad_states

TYPE_CHECKING = False  # typing costs import time (Workers startup budget); annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable

# hashlib is imported inside the functions: loading OpenSSL's _hashlib costs ~1.9 ms of CPU on CPython 3.11, paid
# only by the first hash. Which paths exist is detected on the first hash too, once.

PATHS = ("hashlib", "oneshot", "copy")  # fastest first

_DIGEST_SIZE = 32
_ZERO_BLOCK = bytes(_DIGEST_SIZE)
# U_i made per chain: ~0.6 MB of bytes objects alive at a time (Workers: 128 MB). 4,096 and 16,384 measured the
# same inside Pyodide 314; each chain costs one join and a dozen big-int operations to XOR.
_CHAIN = 4096

_available: tuple[str, ...] | None = None


def available_paths() -> tuple[str, ...]:
    """The PBKDF2 paths this interpreter has, fastest first (detected on the first call)."""
    global _available  # noqa: PLW0603 - detected once, on first use
    if _available is None:
        import hashlib  # lazy, see above

        present = (hasattr(hashlib, "pbkdf2_hmac"), oneshot("sha256") is not None, True)
        _available = tuple(name for name, here in zip(PATHS, present, strict=True) if here)
    return _available


def native_available() -> bool:
    """True when ``hashlib.pbkdf2_hmac`` exists in this interpreter (CPython; not Pyodide 314)."""
    return "hashlib" in available_paths()


def default_path(*, pure: bool = False) -> str:
    """The path ``pbkdf2_sha256`` takes: the fastest available, or with ``pure=True`` the fastest but hashlib's."""
    available = available_paths()
    return available[1] if pure and available[0] == "hashlib" else available[0]


def pbkdf2_sha256(
    password: bytes, salt: bytes, rounds: int, dklen: int = _DIGEST_SIZE, *, pure: bool = False, path: str | None = None
) -> bytes:
    """Derive ``dklen`` bytes with PBKDF2-HMAC-SHA256.

    ``pure=True`` forces the fastest path other than ``hashlib.pbkdf2_hmac``; ``path`` forces one of ``PATHS``
    (ValueError where this interpreter lacks it).
    """
    if rounds < 1 or dklen < 1:
        raise ValueError("rounds and dklen must be positive")
    if path is None:
        path = default_path(pure=pure)
    elif path not in available_paths():
        raise ValueError(f"PBKDF2 path {path!r} is not available here; available: {', '.join(available_paths())}")
    if path == "hashlib":
        import hashlib  # lazy, see above

        return hashlib.pbkdf2_hmac("sha256", password, salt, rounds, dklen)
    compute = oneshot("sha256") if path == "oneshot" else None  # not None when available_paths() lists it
    if compute is not None:
        return _pbkdf2_sha256_oneshot(compute, password, salt, rounds, dklen)
    return _pbkdf2_sha256_copy(password, salt, rounds, dklen)


def _pbkdf2_sha256_oneshot(
    compute: Callable[[bytes, bytes], bytes], password: bytes, salt: bytes, rounds: int, dklen: int
) -> bytes:
    key = block_key(password, "sha256")  # hashed once here, not in each of the 2 * rounds compressions it would add
    blocks = []
    for index in range(1, -(-dklen // _DIGEST_SIZE) + 1):
        u = compute(key, salt + index.to_bytes(4, "big"))
        acc = int.from_bytes(u, "big")
        left = rounds - 1
        while left:
            count = min(left, _CHAIN)
            left -= count
            chain = _oneshot_chain(compute, key, u, count)
            u = chain[-1]
            chain[0] = _ZERO_BLOCK  # the U_i the previous chain (or U_1) already added
            acc ^= _xor_blocks(chain)
        blocks.append(acc.to_bytes(_DIGEST_SIZE, "big"))
    return b"".join(blocks)[:dklen]


def _oneshot_chain(compute: Callable[[bytes, bytes], bytes], key: bytes, u: bytes, count: int) -> list[bytes]:
    """``[u, HMAC(key, u), HMAC(key, HMAC(key, u)), ...]``, ``count`` HMACs long after ``u``, with no bytecode per HMAC.

    ``map`` reads each message from ``chain`` itself while ``list.extend`` appends each result as it is made (a list
    iterator yields items appended during the iteration). Inside Pyodide 314 this took 0.63x the copy loop's CPU
    at 600,000 rounds against 0.72x for a Python ``for`` loop making the same calls and XOR-ing as it goes.
    """
    chain = [u]
    chain.extend(map(compute, repeat(key, count), chain))
    if len(chain) != count + 1:  # an interpreter where extend or the list iterator no longer works as above
        raise RuntimeError("PBKDF2 one-shot chain is short: force path='copy'")
    return chain


def _xor_blocks(blocks: list[bytes]) -> int:
    """XOR of equal-sized 32-byte blocks as one int: joined into one big int, then folded in halves."""
    x = int.from_bytes(b"".join(blocks), "big")
    k = len(blocks)
    while k > 1:  # XOR the low half of the blocks into the high half: ceil(log2(k)) big-int operations
        low = k // 2
        bits = 8 * _DIGEST_SIZE * low
        x = (x >> bits) ^ (x & ((1 << bits) - 1))
        k -= low
    return x


def _pbkdf2_sha256_copy(password: bytes, salt: bytes, rounds: int, dklen: int) -> bytes:
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

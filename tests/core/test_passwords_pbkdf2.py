"""PBKDF2-HMAC-SHA256: every path this interpreter has gives the same bytes, the RFC 7914 vectors hold, and the
fastest path is the default.

The ``"oneshot"`` path needs ``_hmac`` (CPython >= 3.14, Pyodide 314): its tests run inside Pyodide (tox -e pyodide,
whose plugin refuses to start without ``_hmac``) and are skipped, saying so, on CPython 3.10-3.13. The loop around
it is also driven by ``hmac.digest`` here, which runs everywhere.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import reduce
from operator import xor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.passwords import _pbkdf2
from core.passwords._pbkdf2 import PATHS, available_paths, default_path, native_available, pbkdf2_sha256

MISSING = {
    "hashlib": "no hashlib.pbkdf2_hmac in this interpreter (Pyodide 314 has no OpenSSL)",
    "oneshot": "no _hmac (HACL* HMAC) here: CPython >= 3.14 and Pyodide 314 only; tox -e pyodide runs it",
}
EACH_PATH = [
    pytest.param(path, marks=pytest.mark.skipif(path not in available_paths(), reason=MISSING.get(path, "")))
    for path in PATHS
]

# RFC 7914 §11 (scrypt's PBKDF2-HMAC-SHA256 test vectors): (password, salt, rounds, dklen, hex output).
RFC7914_VECTORS = [
    (b"passwd", b"salt", 1, 64,
     "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
     "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"),
    (b"Password", b"NaCl", 80000, 64,
     "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
     "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"),
]


def _hmac_digest_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.digest(key, message, "sha256")


@pytest.fixture
def fresh_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget the detected paths, so that a test's change to hashlib is seen (and undone afterwards)."""
    monkeypatch.setattr(_pbkdf2, "_available", None)


@pytest.mark.parametrize("path", EACH_PATH)
@pytest.mark.parametrize(("password", "salt", "rounds", "dklen", "expected"), RFC7914_VECTORS)
def test_rfc7914_vectors(password: bytes, salt: bytes, rounds: int, dklen: int, expected: str, path: str) -> None:
    """Each path reproduces the PBKDF2-HMAC-SHA256 vectors of RFC 7914 §11, multi-block output included."""
    assert pbkdf2_sha256(password, salt, rounds, dklen, path=path).hex() == expected


@pytest.mark.parametrize("path", EACH_PATH)
def test_passlib_format_example(path: str) -> None:
    """Each path gives the checksum of passlib's documented-format example ("password", 16 zero bytes, 1000)."""
    # $pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$dGBRjrF0HXvnspFIKLlwEavbAfLm6U/5VEkKXHS.VVQ, ab64-decoded
    expected = "7460518eb1741d7be7b2914828b97011abdb01f2e6e94ff954490a5c74be5554"
    assert pbkdf2_sha256(b"password", bytes(16), 1000, path=path).hex() == expected


@settings(max_examples=60)
@given(
    password=st.binary(max_size=200),
    salt=st.binary(max_size=64),
    rounds=st.integers(1, 50),
    dklen=st.integers(1, 100),
)
def test_every_available_path_gives_the_same_bytes(password: bytes, salt: bytes, rounds: int, dklen: int) -> None:
    """All paths here (hashlib's where present) agree for any password (longer than the block too), salt, length."""
    outputs = {path: pbkdf2_sha256(password, salt, rounds, dklen, path=path) for path in available_paths()}
    assert len(outputs) >= 2
    assert len(set(outputs.values())) == 1, outputs


@pytest.mark.cpython_only(reason="hashlib.pbkdf2_hmac is the oracle; Pyodide 314 has none (RFC 7914 vectors cover it)")
@settings(max_examples=60)
@given(
    password=st.binary(max_size=200),
    salt=st.binary(max_size=64),
    rounds=st.integers(1, 50),
    dklen=st.integers(1, 100),
)
def test_pure_paths_equal_hashlib(password: bytes, salt: bytes, rounds: int, dklen: int) -> None:
    """Each non-hashlib path here gives hashlib.pbkdf2_hmac's bytes for any password, salt and length."""
    expected = hashlib.pbkdf2_hmac("sha256", password, salt, rounds, dklen)
    for path in available_paths()[1:]:
        assert pbkdf2_sha256(password, salt, rounds, dklen, path=path) == expected


@settings(max_examples=40)
@given(password=st.binary(max_size=200), salt=st.binary(max_size=40), rounds=st.integers(1, 40))
def test_oneshot_loop_over_hmac_digest_equals_the_copy_loop(password: bytes, salt: bytes, rounds: int) -> None:
    """The one-shot path's loop (chains, XOR folding, long keys hashed once) over hmac.digest equals the copy loop."""
    got = _pbkdf2._pbkdf2_sha256_oneshot(_hmac_digest_sha256, password, salt, rounds, 40)
    assert got == _pbkdf2._pbkdf2_sha256_copy(password, salt, rounds, 40)


@pytest.mark.parametrize("rounds", [1, 2, 3, 4, 7, 8, 9, 10])
def test_chains_join_without_losing_or_repeating_an_iteration(monkeypatch: pytest.MonkeyPatch, rounds: int) -> None:
    """With chains of 4 HMACs, rounds on and around chain boundaries still XOR every U_i exactly once."""
    monkeypatch.setattr(_pbkdf2, "_CHAIN", 4)
    got = _pbkdf2._pbkdf2_sha256_oneshot(_hmac_digest_sha256, b"pw", b"salt", rounds, 32)
    assert got == _pbkdf2._pbkdf2_sha256_copy(b"pw", b"salt", rounds, 32)


@pytest.mark.parametrize("path", EACH_PATH)
def test_rounds_past_one_chain(path: str) -> None:
    """Rounds just past one full chain of U_i agree with the copy loop, on every path."""
    rounds = _pbkdf2._CHAIN + 2
    assert pbkdf2_sha256(b"pw", b"salt", rounds, path=path) == _pbkdf2._pbkdf2_sha256_copy(b"pw", b"salt", rounds, 32)


def test_chain_feeds_each_hmac_its_predecessor() -> None:
    """_oneshot_chain returns u followed by count successive applications of the function, in order."""
    def step(key: bytes, message: bytes) -> bytes:
        return hashlib.sha256(key + message).digest()

    chain = _pbkdf2._oneshot_chain(step, b"k", b"u", 10)
    expected = [b"u"]
    for _ in range(10):
        expected.append(step(b"k", expected[-1]))
    assert chain == expected


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 13, 64, 100])
def test_xor_blocks_is_the_xor_of_every_block(count: int) -> None:
    """Folding the joined blocks in halves gives the XOR of all of them, for odd and even counts."""
    blocks = [hashlib.sha256(i.to_bytes(2, "big")).digest() for i in range(count)]
    assert _pbkdf2._xor_blocks(blocks) == reduce(xor, (int.from_bytes(b, "big") for b in blocks))


def test_paths_are_listed_fastest_first() -> None:
    """The copy loop exists everywhere, hashlib's where pbkdf2_hmac does, and the list keeps PATHS' order."""
    available = available_paths()
    assert available[-1] == "copy"
    assert list(available) == [path for path in PATHS if path in available]
    assert ("hashlib" in available) is hasattr(hashlib, "pbkdf2_hmac") is native_available()


def test_default_is_the_fastest_path() -> None:
    """The default is the first available path; pure=True takes the fastest that is not hashlib's."""
    available = available_paths()
    assert default_path() == available[0]
    assert default_path(pure=True) == next(path for path in available if path != "hashlib")


def test_forced_path_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """path= decides the code that runs, whatever the default would have been."""
    calls: list[str] = []
    monkeypatch.setattr(_pbkdf2, "_pbkdf2_sha256_copy", lambda *args: calls.append("copy") or b"")
    pbkdf2_sha256(b"pw", b"salt", 2, path="copy")
    assert calls == ["copy"]


def test_missing_native_engine_falls_back(monkeypatch: pytest.MonkeyPatch, fresh_detection: None) -> None:
    """Without hashlib.pbkdf2_hmac (as on Pyodide 314) the default call uses a pure path, same bytes."""
    # hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 100) on CPython 3.11; fixed so the test also runs in Pyodide
    expected = bytes.fromhex("2abfac6a729e5abcc10c42850d51f912edf82c8cfb33d09a7e983c271d54d993")
    monkeypatch.delattr(hashlib, "pbkdf2_hmac", raising=False)
    assert not native_available()
    assert default_path() in ("oneshot", "copy")
    assert pbkdf2_sha256(b"pw", b"salt", 100) == expected


@pytest.mark.parametrize("path", ["sha256", "pure", "", "HASHLIB"])
def test_unknown_path_is_refused(path: str) -> None:
    """A path name outside PATHS raises ValueError naming the available ones."""
    with pytest.raises(ValueError, match=r"available: .*copy"):
        pbkdf2_sha256(b"pw", b"salt", 1, path=path)


@pytest.mark.parametrize("path", [p for p in PATHS if p != "copy"])
def test_path_missing_here_is_refused(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """Forcing a path this interpreter lacks raises ValueError rather than quietly taking another."""
    monkeypatch.setattr(_pbkdf2, "_available", tuple(p for p in available_paths() if p != path))
    with pytest.raises(ValueError, match=f"{path!r} is not available"):
        pbkdf2_sha256(b"pw", b"salt", 1, path=path)


@pytest.mark.parametrize(("rounds", "dklen"), [(0, 32), (-1, 32), (1, 0)])
def test_non_positive_parameters_are_refused(rounds: int, dklen: int) -> None:
    """Zero or negative rounds or output length raise ValueError rather than return a weak key."""
    with pytest.raises(ValueError, match="positive"):
        pbkdf2_sha256(b"pw", b"salt", rounds, dklen)


@pytest.fixture
def fake_oneshot(monkeypatch: pytest.MonkeyPatch, fresh_detection: None) -> None:
    """Make this interpreter look like one with ``_hmac`` (CPython >= 3.14): hmac.digest stands in for it."""
    monkeypatch.setattr(_pbkdf2, "oneshot", lambda digest: _hmac_digest_sha256 if digest == "sha256" else None)


@pytest.mark.cpython_only(reason="hashlib.pbkdf2_hmac is the oracle; Pyodide 314 has none (RFC 7914 vectors cover it)")
def test_oneshot_is_detected_between_hashlib_and_copy(fake_oneshot: None) -> None:
    """Where the one-shot HMAC exists it is listed after hashlib's path and before the copy loop, and is what
    pure=True picks."""
    assert available_paths() == ("hashlib", "oneshot", "copy")
    assert default_path() == "hashlib"
    assert default_path(pure=True) == "oneshot"


@pytest.mark.cpython_only(reason="hashlib.pbkdf2_hmac is the oracle; Pyodide 314 has none (RFC 7914 vectors cover it)")
@pytest.mark.parametrize(("rounds", "dklen"), [(1, 32), (3, 1), (5, 33), (2, 64), (7, 100)])
def test_each_forced_path_gives_identical_output(fake_oneshot: None, rounds: int, dklen: int) -> None:
    """path="hashlib", "oneshot" and "copy", and pure=True, all give hashlib.pbkdf2_hmac's bytes (short, partial
    and multi-block outputs; a password longer than the SHA-256 block)."""
    password = b"p" * 100
    expected = hashlib.pbkdf2_hmac("sha256", password, b"salt", rounds, dklen)
    for path in PATHS:
        assert pbkdf2_sha256(password, b"salt", rounds, dklen, path=path) == expected, path
    assert pbkdf2_sha256(password, b"salt", rounds, dklen, pure=True) == expected
    assert pbkdf2_sha256(b"pw", b"salt", rounds, dklen, path="oneshot") == hashlib.pbkdf2_hmac(
        "sha256", b"pw", b"salt", rounds, dklen)


def test_pure_flag_selects_the_code_that_runs(monkeypatch: pytest.MonkeyPatch, fake_oneshot: None) -> None:
    """pure=True runs the one-shot loop where it exists, else the copy loop; hashlib's path is never taken."""
    calls: list[str] = []
    monkeypatch.setattr(_pbkdf2, "_pbkdf2_sha256_oneshot", lambda *args: calls.append("oneshot") or b"")
    monkeypatch.setattr(_pbkdf2, "_pbkdf2_sha256_copy", lambda *args: calls.append("copy") or b"")
    pbkdf2_sha256(b"pw", b"salt", 2, pure=True)
    pbkdf2_sha256(b"pw", b"salt", 2, path="oneshot")
    monkeypatch.setattr(_pbkdf2, "_available", ("hashlib", "copy"))
    pbkdf2_sha256(b"pw", b"salt", 2, pure=True)
    assert calls == ["oneshot", "oneshot", "copy"]


@pytest.mark.parametrize(("available", "plain", "pure"), [
    (("hashlib", "oneshot", "copy"), "hashlib", "oneshot"),
    (("hashlib", "copy"), "hashlib", "copy"),
    (("oneshot", "copy"), "oneshot", "oneshot"),
    (("copy",), "copy", "copy"),
])
def test_default_path_for_each_interpreter(monkeypatch: pytest.MonkeyPatch, available: tuple[str, ...], plain: str,
                                           pure: str) -> None:
    """The default is the fastest path; pure=True skips only hashlib's (Pyodide 314: oneshot either way)."""
    monkeypatch.setattr(_pbkdf2, "_available", available)
    assert (default_path(), default_path(pure=True)) == (plain, pure)
    assert native_available() is (available[0] == "hashlib")


@pytest.mark.cpython_only(reason="hashlib.pbkdf2_hmac is the oracle; Pyodide 314 has none (RFC 7914 vectors cover it)")
def test_refusal_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A path this interpreter lacks is refused naming the available ones; bad rounds/dklen say they must be
    positive."""
    monkeypatch.setattr(_pbkdf2, "_available", ("hashlib", "copy"))
    with pytest.raises(ValueError, match=r"^PBKDF2 path 'oneshot' is not available here; available: hashlib, copy$"):
        pbkdf2_sha256(b"pw", b"salt", 1, path="oneshot")
    with pytest.raises(ValueError, match=r"^rounds and dklen must be positive$"):
        pbkdf2_sha256(b"pw", b"salt", 0)
    assert pbkdf2_sha256(b"pw", b"salt", 1, 1) == hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1, 1)


def test_short_chain_is_an_error_not_a_weak_key() -> None:
    """If the one-shot chain comes back short (an interpreter whose list.extend stops early), PBKDF2 raises
    RuntimeError telling to force the copy path instead of returning a key made of fewer iterations."""
    made: list[int] = []

    def stops_early(key: bytes, message: bytes) -> bytes:
        if len(made) == 2:
            raise StopIteration  # ends map(), so list.extend stops as if the iteration were over
        made.append(1)
        return hashlib.sha256(message).digest()

    with pytest.raises(RuntimeError) as info:
        _pbkdf2._oneshot_chain(stops_early, b"k", b"u", 5)
    assert str(info.value) == "PBKDF2 one-shot chain is short: force path='copy'"


@pytest.mark.cpython_only(reason="hashlib.pbkdf2_hmac is what the default call must take; Pyodide 314 has none")
def test_default_call_takes_hashlibs_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pure= or path=, pbkdf2_sha256 runs hashlib.pbkdf2_hmac (the fastest path) and nothing else."""
    calls: list[int] = []
    real = hashlib.pbkdf2_hmac

    def counting(name: str, password: bytes, salt: bytes, rounds: int, dklen: int | None = None) -> bytes:
        calls.append(rounds)
        return real(name, password, salt, rounds, dklen)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counting)
    monkeypatch.setattr(_pbkdf2, "_pbkdf2_sha256_copy", lambda *args: pytest.fail("the copy loop ran"))
    assert pbkdf2_sha256(b"pw", b"salt", 3) == real("sha256", b"pw", b"salt", 3, 32)
    assert calls == [3]

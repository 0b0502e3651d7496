"""The worst CPU an anonymous caller can make ``core.jwt.decode`` spend, against an ordinary valid decode.

Everything before the signature check is attacker-controlled work: the size caps, splitting, the header's
base64 and JSON, the payload's spelling check and one HMAC over the signing input. Each adversarial token here
fills the default caps (``DEFAULT_MAX_TOKEN_BYTES``, ``DEFAULT_MAX_HEADER_BYTES``) with one shape that costs a
parser work: nesting, escapes, long strings, many members, duplicates, huge and many numbers, unclosed strings,
stray separators. Hypothesis adds JSON structures of its own choosing, repeated up to the header cap; the slowest
of those join the hand-made ones.

Every header is made distinct per call (an attacker varies them too), so the parsed-header cache never helps.
The ordinary decode is a valid token of the api's shape through the module-level ``decode`` with per-call options,
as a python-jose user calls it (the api's own instance compiles those options once, which makes both sides a
little cheaper), header cached as in steady state. Both
sides are timed in alternating batches (bench/_interleave.py). A first round ranks every case; the slowest four are
then measured again, alone beside the ordinary decode and with more batches, and the budget is the worst of their
medians over the ordinary decode's median in that second round.
"""

from __future__ import annotations

import base64
import itertools
import json
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench._interleave import interleaved_cpu
from bench.conftest import QUICK
from core import jwt as core_jwt
from core.jwt._api import DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_TOKEN_BYTES
from core.jwt.exceptions import TokenTooLargeError

KEY = "bench-secret-" + "x" * 40
NOW = int(time.time())
# The api's access token: sub, iat, exp and the credential stamp; decoded with exp and sub required.
ORDINARY = core_jwt.encode({"sub": "42", "iat": NOW, "exp": NOW + 1800, "cred": "c" * 22}, KEY)
REQUIRED = {"require_exp": True, "require_sub": True}
VARIANTS = 64  # distinct headers cycled per case: more than the header cache holds, so every parse is a miss
FORGED_SIGNATURE = "A" * 43


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _fill(prefix: bytes, unit: bytes, suffix: bytes, budget: int) -> bytes:
    """``prefix + unit * n + suffix`` with the largest n whose base64url encoding fits ``budget`` bytes."""
    room = budget * 3 // 4 - len(prefix) - len(suffix)
    return prefix + unit * max(0, room // len(unit)) + suffix


def _header(shape: bytes) -> Callable[[int], bytes]:
    """A header shape made distinct per variant by a tag member in front (same size for every variant)."""
    return lambda variant: b'{"v":"%03d",' % variant + shape[1:]


HEADER = DEFAULT_MAX_HEADER_BYTES - 16  # room for the variant tag, 10 bytes before encoding
HAND_MADE: dict[str, bytes] = {
    # the quadratic regex of old: brackets, then an unclosed string of backslash-quote pairs
    "unclosed escapes": _fill(b"{" + b"[" * 33, b'"\\', b"", HEADER),
    "nesting at the limit": _fill(b'{"alg":"HS256","x":' + b'{"a":' * 30 + b'"', b"x", b'"' + b"}" * 31, HEADER),
    "nesting past the limit": _fill(b'{"alg":"HS256","x":', b"[", b"", HEADER),
    "many members": b"",  # filled in below: each member needs its own name
    "duplicate members": _fill(b'{"alg":"HS256"', b',"k":1', b"}", HEADER),
    "huge integer": _fill(b'{"alg":"HS256","n":', b"9", b"}", HEADER),
    "huge float": _fill(b'{"alg":"HS256","n":1.', b"9", b"e300}", HEADER),
    "overflowing float": _fill(b'{"alg":"HS256","n":1.', b"9", b"e999}", HEADER),
    "many floats": _fill(b'{"alg":"HS256","l":[0.5', b",0.5", b"]}", HEADER),
    "many exponents": _fill(b'{"alg":"HS256","l":[1e9', b",1e9", b"]}", HEADER),
    "many large exponents": _fill(b'{"alg":"HS256","l":[1e100', b",1e100", b"]}", HEADER),
    "many overflowing exponents": _fill(b'{"alg":"HS256","l":[1e999', b",1e999", b"]}", HEADER),
    "many negative exponents": _fill(b'{"alg":"HS256","l":[1e-100', b",1e-100", b"]}", HEADER),
    "many subnormals": _fill(b'{"alg":"HS256","l":[2.4703282292062328e-324', b",2.4703282292062328e-324", b"]}",
                             HEADER),
    "many two-digit integers": _fill(b'{"alg":"HS256","l":[11', b",11", b"]}", HEADER),
    "many floats in objects": _fill(b'{"alg":"HS256","l":[{"a":0.5}', b',{"a":0.5}', b"]}", HEADER),
    "many empty objects": _fill(b'{"alg":"HS256","l":[{}', b",{}", b"]}", HEADER),
    "many empty lists": _fill(b'{"alg":"HS256","l":[[]', b",[]", b"]}", HEADER),
    "nested duplicates": _fill(b'{"alg":"HS256","l":[{"a":1,"a":1}', b',{"a":1,"a":1}', b"]}", HEADER),
    "long string": _fill(b'{"alg":"HS256","s":"', b"x", b'"}', HEADER),
    "unicode escapes": _fill(b'{"alg":"HS256","s":"', b"\\u00e9", b'"}', HEADER),
    "escaped backslashes": _fill(b'{"alg":"HS256","s":"', b"\\\\", b'"}', HEADER),
    "brackets in a string": _fill(b'{"alg":"HS256","s":"', b"[", b'"}', HEADER),
    "colons in a string": _fill(b'{"alg":"HS256","s":"', b":", b'"}', HEADER),
    "unbalanced": _fill(b"{", b"{", b"", HEADER),
    "whitespace": _fill(b'{"alg":"HS256"', b" ", b"}", HEADER),
    "critical list": _fill(b'{"alg":"HS256","crit":["a"', b',"a"', b"]}", HEADER),
}


def _many_members(budget: int) -> bytes:
    """A flat header of distinct members ``"0":1,"1":1,...``, as many as fit ``budget`` encoded bytes."""
    members = [b'"alg":"HS256"']
    while len(_b64(b"{" + b",".join([*members, b'"%d":1' % len(members)]) + b"}")) <= budget:
        members.append(b'"%d":1' % len(members))
    return b"{" + b",".join(members) + b"}"


HAND_MADE["many members"] = _many_members(HEADER)


def _token(header: bytes, signature: str = FORGED_SIGNATURE) -> str:
    """``header`` with a payload filling the rest of the token cap (the HMAC runs over all of it) and a forged
    signature."""
    encoded = _b64(header)
    room = DEFAULT_MAX_TOKEN_BYTES - len(encoded) - len(signature) - 2
    return encoded + "." + ("e" * (room - room % 4)) + "." + signature


def _hand_made_cases() -> dict[str, list[str]]:
    cases = {name: [_token(_header(shape)(v)) for v in range(VARIANTS)] for name, shape in HAND_MADE.items()}
    plain = _header(b'{"alg":"HS256","typ":"JWT"}')
    cases["largest payload"] = [_token(plain(v)) for v in range(VARIANTS)]
    cases["misspelt signature"] = [_token(plain(v), "A" * 42 + "B") for v in range(VARIANTS)]
    cases["many separators"] = ["." * (DEFAULT_MAX_TOKEN_BYTES - 1)] * VARIANTS
    cases["over the size cap"] = ["e" * (DEFAULT_MAX_TOKEN_BYTES + 1)] * VARIANTS
    cases["header over its cap"] = [_token(b"{" + b" " * DEFAULT_MAX_HEADER_BYTES + b"}")] * VARIANTS
    return cases


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
    max_leaves=12,
)


def _hypothesis_headers(count: int) -> list[bytes]:
    """``count`` headers, each a JSON value hypothesis chose, repeated in a list up to the header cap."""
    headers: list[bytes] = []

    @settings(max_examples=count, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(_json_values)
    def collect(value: Any) -> None:
        unit = json.dumps(value, separators=(",", ":")).encode()
        headers.append(_fill(b'{"alg":"HS256","l":[' + unit, b"," + unit, b"]}", HEADER))

    collect()
    return headers


def _cycler(tokens: list[str]) -> Callable[[], object]:
    """One decode per call, of the next token in the cycle; returns the JWTError it must raise."""
    nxt: Iterator[str] = itertools.cycle(tokens).__next__  # type: ignore[assignment]

    def attack() -> object:
        try:
            core_jwt.decode(nxt(), KEY, algorithms=["HS256"], options=REQUIRED)  # type: ignore[operator]
        except core_jwt.JWTError as exc:
            return exc
        raise AssertionError("an adversarial token was accepted")

    return attack


def _ordinary() -> object:
    return core_jwt.decode(ORDINARY, KEY, algorithms=["HS256"], options=REQUIRED)


def _screen(tokens: list[str], keep: int) -> list[int]:
    """Indices of the ``keep`` slowest tokens, by a quick timing of each (picks candidates, not the figure)."""
    costs = []
    for i, token in enumerate(tokens):
        attack = _cycler([token])
        start = time.process_time()
        for _ in range(20):
            attack()
        costs.append((time.process_time() - start, i))
    return [i for _, i in sorted(costs, reverse=True)[:keep]]


def test_adversarial_decode(record: Any, progress: Callable[[str], None]) -> None:
    """The slowest adversarial token's decode, and the ordinary decode, in alternating batches."""
    cases = _hand_made_cases()
    generated = _hypothesis_headers(60 if QUICK else 200)
    for i in _screen([_token(h) for h in generated], keep=4):
        cases[f"hypothesis #{i}"] = [_token(_header(generated[i])(v)) for v in range(VARIANTS)]
    fns: dict[str, Callable[[], object]] = {name: _cycler(tokens) for name, tokens in cases.items()}
    for name, attack in fns.items():
        error = attack()  # every token is refused, none crashes; only the cap cases stop at a cap
        assert isinstance(error, core_jwt.JWTError), name
        assert isinstance(error, TokenTooLargeError) == name.endswith("cap"), (name, error)
    # Round one ranks every case; the figure comes from round two, a fresh measurement of the slowest few alone
    # with more batches. Taken from round one, the largest of some forty medians would carry the noise that put
    # it on top (on a loaded host that read up to 1.5x the case's own cost).
    ranking = _ratios(interleaved_cpu({**fns, "ordinary": _ordinary}, rounds=11 if QUICK else 21, number=64))
    finalists = {name: fns[name] for name in list(ranking)[:FINALISTS]}
    final = _ratios(interleaved_cpu({**finalists, "ordinary": _ordinary}, rounds=41 if QUICK else 81, number=64))
    worst = next(iter(final))
    progress(f"adversarial decode: worst {worst} {final[worst][0]:.2f}x of an ordinary decode "
             f"({final[worst][1] * 1e6:.1f} / {final['ordinary'][1] * 1e6:.2f} us); round one: "
             + ", ".join(f"{name} {ratio:.2f}x" for name, (ratio, _) in list(ranking.items())[:6]))
    record("jwt.adversarial.worst", final[worst][1], "s", case=worst,
           finalists={name: round(ratio, 2) for name, (ratio, _) in final.items() if name != "ordinary"},
           ratios={name: round(ratio, 2) for name, (ratio, _) in ranking.items() if name != "ordinary"},
           max_token_bytes=DEFAULT_MAX_TOKEN_BYTES, max_header_bytes=DEFAULT_MAX_HEADER_BYTES)
    record("jwt.adversarial.ordinary", final["ordinary"][1], "s")


FINALISTS = 4  # cases measured again for the figure


def _ratios(samples: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    """Each side's (median over the ordinary decode's median, median), slowest first; "ordinary" last."""
    medians = {name: statistics.median(values) for name, values in samples.items()}
    ordinary = medians.pop("ordinary")
    ranked = {name: (value / ordinary, value) for name, value in sorted(medians.items(), key=lambda kv: -kv[1])}
    return {**ranked, "ordinary": (1.0, ordinary)}

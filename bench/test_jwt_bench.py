"""core.jwt against python-jose and PyJWT, same process, same claims, same key."""

from __future__ import annotations

import statistics
import time
from typing import Any

import jwt as pyjwt
import pytest
from jose import jwt as jose_jwt

from bench._coldstart import median, python_code_cpu_ms
from bench._interleave import interleaved_cpu
from bench.conftest import COLD_RUNS
from core import jwt as core_jwt

KEY = "bench-secret-" + "x" * 40
NOW = int(time.time())
# Six claims, the shape of leancore's own access tokens; decode verifies aud and iss.
CLAIMS = {"sub": "42", "iss": "leancore", "aud": "leancore-api", "exp": NOW + 3600, "iat": NOW, "role": "admin"}
TOKEN = core_jwt.encode(CLAIMS, KEY)

DECODERS: dict[str, Any] = {
    "core": lambda: core_jwt.decode(TOKEN, KEY, algorithms=["HS256"], audience="leancore-api", issuer="leancore"),
    "jose": lambda: jose_jwt.decode(TOKEN, KEY, algorithms=["HS256"], audience="leancore-api", issuer="leancore"),
    "pyjwt": lambda: pyjwt.decode(TOKEN, KEY, algorithms=["HS256"], audience="leancore-api", issuer="leancore"),
}
# The api's call: the same token, exp and sub required (options take the general path in both libraries).
REQUIRED = {"require_exp": True, "require_sub": True}
DECODERS_REQUIRED: dict[str, Any] = {
    "core": lambda: core_jwt.decode(TOKEN, KEY, algorithms=["HS256"], audience="leancore-api", issuer="leancore",
                                    options=REQUIRED),
    "jose": lambda: jose_jwt.decode(TOKEN, KEY, algorithms=["HS256"], audience="leancore-api", issuer="leancore",
                                    options=REQUIRED),
    "pyjwt": lambda: pyjwt.decode(TOKEN, KEY, algorithms=["HS256"], audience="leancore-api", issuer="leancore",
                                  options={"require": ["exp", "sub"]}),
}
ENCODERS: dict[str, Any] = {
    "core": lambda: core_jwt.encode(CLAIMS, KEY),
    "jose": lambda: jose_jwt.encode(dict(CLAIMS), KEY),
}


@pytest.mark.parametrize("impl", list(DECODERS))
def test_decode(benchmark: Any, bench_id: Any, impl: str) -> None:
    """HS256 decode of a 6-claim token verifying aud and iss."""
    bench_id(f"jwt.decode.{impl}")
    benchmark.group = "jwt.decode"
    assert benchmark(DECODERS[impl]) == CLAIMS


@pytest.mark.parametrize("impl", list(ENCODERS))
def test_encode(benchmark: Any, bench_id: Any, impl: str) -> None:
    """HS256 encode of the same 6 claims."""
    bench_id(f"jwt.encode.{impl}")
    benchmark.group = "jwt.encode"
    assert benchmark(ENCODERS[impl]) == TOKEN


def test_import_cold(record: Any) -> None:
    """Fresh-interpreter CPU cost of `import core.jwt` and of `import jose.jwt`, over `python -c pass`."""
    samples = python_code_cpu_ms(
        {"baseline": "pass", "core": "import core.jwt", "jose": "import jose.jwt", "pyjwt": "import jwt"},
        runs=COLD_RUNS,
    )
    base = median(samples["baseline"])
    for name in ("core", "jose", "pyjwt"):
        record(f"import.{name}.jwt", median(samples[name]) - base, "ms", runs=COLD_RUNS, baseline_ms=base)


def test_paired_ratios(record: Any) -> None:
    """decode (core, python-jose, PyJWT; also with exp and sub required, as the api calls it) and encode (core,
    python-jose) in alternating batches, for the budgets.

    The pytest-benchmark timings above are kept for the report and --benchmark-compare; the budgets use these
    interleaved medians, which one burst of host noise cannot tilt towards one library.
    """
    for impl, decoder in DECODERS_REQUIRED.items():
        assert decoder() == CLAIMS, impl
    decode = interleaved_cpu(DECODERS, rounds=41, number=200)
    decode_required = interleaved_cpu(DECODERS_REQUIRED, rounds=41, number=200)
    encode = interleaved_cpu(ENCODERS, rounds=41, number=200)
    for op, samples in (("decode", decode), ("decode_required", decode_required), ("encode", encode)):
        for impl, values in samples.items():
            record(f"jwt.{op}.paired.{impl}", statistics.median(values), "s", rounds=41, batch=200)

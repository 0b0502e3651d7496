"""core.emails.validate_email vs email_validator.validate_email (check_deliverability=False), same corpus, same run.

The corpus is every distinct input of compat_tests/data/ (email-validator's own syntax cases plus leancore's
corpus): valid and invalid, ASCII and internationalised. One round validates the whole corpus, so the ratio of
the two medians is the per-address ratio. Cold import is CPU ms of a fresh interpreter over ``python -c pass``.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import email_validator

from bench._coldstart import python_code_cpu_ms
from bench.conftest import COLD_RUNS
from core.emails import EmailNotValidError, validate_email

DATA = Path(__file__).resolve().parent.parent / "compat_tests" / "data"
CORPUS = sorted(
    {case["email"] for name in ("email_validator_syntax_cases.json", "emails_corpus.json")
     for case in json.loads((DATA / name).read_text(encoding="ascii"))["cases"]}
)
ROUNDS = 15


def _run_core() -> int:
    valid = 0
    for email in CORPUS:
        try:
            validate_email(email)
            valid += 1
        except EmailNotValidError:
            pass
    return valid


def _run_reference() -> int:
    valid = 0
    for email in CORPUS:
        try:
            email_validator.validate_email(email, check_deliverability=False)
            valid += 1
        except email_validator.EmailNotValidError:
            pass
    return valid


def test_both_libraries_accept_the_same_share_of_the_corpus() -> None:
    """The benchmark corpus is mixed (valid and invalid) and both libraries accept the same number of it."""
    assert 0 < _run_core() == _run_reference() < len(CORPUS)


def test_validate_core(benchmark: Any, bench_id: Any) -> None:
    """Time core.emails over the corpus."""
    bench_id("emails.validate.core")
    benchmark.extra_info["addresses"] = len(CORPUS)
    benchmark.pedantic(_run_core, rounds=ROUNDS, warmup_rounds=1)


def test_validate_email_validator(benchmark: Any, bench_id: Any) -> None:
    """Time email-validator 2.4.0 over the same corpus."""
    bench_id("emails.validate.email_validator")
    benchmark.extra_info["addresses"] = len(CORPUS)
    benchmark.pedantic(_run_reference, rounds=ROUNDS, warmup_rounds=1)


def test_cold_import(benchmark: Any, record: Any) -> None:
    """Fresh-process CPU ms of `import core.emails` and `import email_validator`, over `python -c pass`."""
    samples = python_code_cpu_ms(
        {"pass": "pass", "core": "import core.emails", "email_validator": "import email_validator"}, COLD_RUNS
    )
    for name, mid in (("core", "import.core.emails"), ("email_validator", "import.email_validator")):
        # Samples are interleaved, so the paired differences cancel most of the machine's drift.
        over = [s - p for s, p in zip(samples[name], samples["pass"], strict=True)]
        record(mid, statistics.median(over), "ms", runs=COLD_RUNS, baseline="python -c pass")
    benchmark.pedantic(lambda: None, rounds=1)

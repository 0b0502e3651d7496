"""core.emails.validate_email vs email_validator.validate_email (check_deliverability=False), same run.

Two corpora, each validated whole once per round (so the ratio of the two medians is the per-address ratio):
- ``signup``: bench/data/emails_mixed.json, what a sign-up form receives (88% valid ASCII, 8% typos, 4%
  internationalised; composition and rationale in bench/data/make_emails_mixed.py). The issue 4 budget.
- ``compat``: every distinct input of compat_tests/data/ (email-validator's own syntax cases plus leancore's
  corpus): mostly invalid edge cases, IP literals and IDNA, the worst case for core. Its own, looser budget.

core.emails memoises per-code-point IDNA work and per-domain results (bounded). Every round starts with those
caches cleared, so no round profits from an earlier one: a repeat only helps where the corpus itself repeats.
Cold import is CPU ms of a fresh interpreter over ``python -c pass``.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import email_validator
import pytest

from bench._coldstart import python_code_cpu_ms
from bench._interleave import interleaved_cpu
from bench.conftest import COLD_RUNS
from core.emails import EmailNotValidError, _domain, validate_email

ROOT = Path(__file__).resolve().parent.parent
SIGNUP = [case["email"] for case in json.loads((ROOT / "bench/data/emails_mixed.json").read_text("ascii"))["cases"]]
COMPAT = sorted(
    {case["email"] for name in ("email_validator_syntax_cases.json", "emails_corpus.json")
     for case in json.loads((ROOT / "compat_tests/data" / name).read_text(encoding="ascii"))["cases"]}
)
CORPORA = {"signup": SIGNUP, "compat": COMPAT}
ROUNDS = 15


def _run_core(corpus: list[str]) -> int:
    valid = 0
    for email in corpus:
        try:
            validate_email(email)
            valid += 1
        except EmailNotValidError:
            pass
    return valid


def _run_reference(corpus: list[str]) -> int:
    valid = 0
    for email in corpus:
        try:
            email_validator.validate_email(email, check_deliverability=False)
            valid += 1
        except email_validator.EmailNotValidError:
            pass
    return valid


@pytest.mark.parametrize("name", CORPORA)
def test_both_libraries_accept_the_same_share_of_the_corpus(name: str) -> None:
    """Each benchmark corpus is mixed (valid and invalid) and both libraries accept the same number of it."""
    corpus = CORPORA[name]
    assert 0 < _run_core(corpus) == _run_reference(corpus) < len(corpus)


@pytest.mark.parametrize("name", CORPORA)
def test_validate_core(benchmark: Any, bench_id: Any, name: str) -> None:
    """Time core.emails over a corpus, its caches cleared before every round."""
    bench_id(f"emails.validate.{name}.core")
    corpus = CORPORA[name]
    benchmark.extra_info["addresses"] = len(corpus)

    def cold() -> tuple[tuple[list[str]], dict[str, Any]]:
        _domain.clear_caches()
        return (corpus,), {}

    benchmark.pedantic(_run_core, setup=cold, rounds=ROUNDS, warmup_rounds=1)


@pytest.mark.parametrize("name", CORPORA)
def test_validate_email_validator(benchmark: Any, bench_id: Any, name: str) -> None:
    """Time email-validator 2.4.0 over the same corpus."""
    bench_id(f"emails.validate.{name}.email_validator")
    corpus = CORPORA[name]
    benchmark.extra_info["addresses"] = len(corpus)
    benchmark.pedantic(_run_reference, args=(corpus,), rounds=ROUNDS, warmup_rounds=1)


@pytest.mark.parametrize("name", CORPORA)
def test_validate_paired(record: Any, name: str) -> None:
    """core (caches cleared, inside the timed call) and email-validator over a corpus in alternating runs, for
    the budgets: one burst of host noise cannot land on one side only. The timings above stay for the report."""
    corpus = CORPORA[name]

    def core_cold() -> int:
        _domain.clear_caches()
        return _run_core(corpus)

    samples = interleaved_cpu({"core": core_cold, "email_validator": lambda: _run_reference(corpus)},
                              rounds=ROUNDS, number=1)
    for impl, values in samples.items():
        record(f"emails.validate.{name}.paired.{impl}", statistics.median(values), "s", rounds=ROUNDS,
               addresses=len(corpus))


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

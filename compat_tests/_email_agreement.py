"""Agreement of core.emails with email-validator 2.4.0 over the data corpora (used by the compat test, and runnable).

``python compat_tests/_email_agreement.py`` prints the rates (needs email-validator installed: `tox -e compat`).
A case is *plain ASCII* when the input is ASCII and has no ``xn--`` label; everything else is *internationalised*.
Outcome agreement: both accept with the same normalized / ascii_email / local_part / domain / ascii_domain /
smtputf8, or both refuse. Message agreement additionally needs the same error text.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
CORPORA = ("email_validator_syntax_cases.json", "emails_corpus.json")
FIELDS = ("normalized", "ascii_email", "local_part", "domain", "ascii_domain", "smtputf8")


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for name in CORPORA:
        for case in json.loads((DATA / name).read_text(encoding="ascii"))["cases"]:
            cases.append({**case, "corpus": name})
    return cases


def is_plain_ascii(email: str) -> bool:
    return email.isascii() and "xn--" not in email.lower()


def outcome(validate: Any, error: type[Exception], email: str, options: dict[str, bool]) -> tuple[Any, ...]:
    """("ok", fields...) or ("error", message) for one library."""
    try:
        result = validate(email, **options)
    except error as exc:
        return ("error", str(exc))
    return ("ok", *(getattr(result, f) for f in FIELDS))


def reference(email: str, options: dict[str, bool]) -> tuple[Any, ...]:
    import email_validator

    def run(addr: str, **kw: bool) -> Any:
        return email_validator.validate_email(addr, check_deliverability=False, **kw)

    return outcome(run, email_validator.EmailNotValidError, email, options)


def ours(email: str, options: dict[str, bool]) -> tuple[Any, ...]:
    from core.emails import EmailNotValidError, validate_email

    return outcome(validate_email, EmailNotValidError, email, options)


def agree_on_outcome(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return a == b or (a[0] == b[0] == "error")


def rates(cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per class: cases, outcome agreement, message agreement, and the disagreeing inputs."""
    report: dict[str, dict[str, Any]] = {}
    for case in cases:
        kind = "ascii" if is_plain_ascii(case["email"]) else "internationalised"
        row = report.setdefault(kind, {"cases": 0, "outcome": 0, "message": 0, "outcome_diff": [], "message_diff": []})
        ref, core = reference(case["email"], case["options"]), ours(case["email"], case["options"])
        row["cases"] += 1
        if agree_on_outcome(ref, core):
            row["outcome"] += 1
        else:
            row["outcome_diff"].append(case["email"])
        if ref == core:
            row["message"] += 1
        else:
            row["message_diff"].append(case["email"])
    return report


def main() -> int:
    for kind, row in rates(load_cases()).items():
        n = row["cases"]
        print(f"{kind}: {n} cases; outcome agreement {row['outcome'] / n:.2%}; "
              f"identical result or message {row['message'] / n:.2%}")
        for email in row["outcome_diff"] + row["message_diff"]:
            print(f"  differs: {email!r}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())

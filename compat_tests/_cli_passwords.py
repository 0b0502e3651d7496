"""``hashes --check-passwords PAIRS``: each known (password, stored hash) pair verified by core and by the
references (pyca/bcrypt and passlib for bcrypt, passlib for both PBKDF2 formats), and every disagreement named.

The pairs file holds ``password<TAB>hash`` a line (split at the last tab: hashes never hold one). Passwords are
never printed, nor are library messages (which may quote their input): only the class a library raised.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from compat_tests._cli_hashes import DOCS, redact
from compat_tests._cli_input import InputError, Line
from core.passwords import DEFAULT_HASHER, PasswordError, identify
from core.passwords._bcrypt import parse as parse_bcrypt

MAX_LINE_BYTES = 16 * 1024  # a 4,096-byte password (core's limit), a tab and a 2,048-character hash fit


def split_pairs(pairs: Iterable[Line]) -> list[tuple[int, str, str]]:
    out = []
    for line in pairs:
        password, tab, hashed = line.text.rpartition("\t")
        if not tab or not hashed.strip():
            raise InputError(f"line {line.number}: expected password<TAB>hash (the line is not shown: it may hold "
                             "a password)")
        out.append((line.number, password, hashed.strip()))
    return out


def _answer(fn: Callable[[], Any]) -> str:
    """``True`` / ``False`` or the class of the exception, as the text the report shows."""
    try:
        with warnings.catch_warnings():
            # passlib imports `crypt` (deprecated) and reads bcrypt's version the old way; both only warn
            warnings.simplefilter("ignore")
            return str(bool(fn()))
    except Exception as exc:  # the reference's failure is the finding, whatever its class
        return type(exc).__name__


def references(scheme: str, password: str, hashed: str) -> dict[str, str]:
    # passlib logs a traceback when it reads bcrypt's version the pre-4.1 way ("(trapped) error reading bcrypt
    # version"): noise that would look like this command failing
    logging.getLogger("passlib").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from passlib import hash as passlib_hash
    if scheme == "bcrypt":
        import bcrypt

        answers = {"pyca/bcrypt": _answer(lambda: bcrypt.checkpw(password.encode("utf-8", "surrogatepass"),
                                                                 hashed.encode("ascii")))}
        if int(bcrypt.__version__.split(".")[0]) < 5:  # passlib 1.7.4 cannot load bcrypt 5 (docs/compatibility.md)
            answers["passlib"] = _answer(lambda: passlib_hash.bcrypt.verify(password, hashed))
        return answers
    handler = passlib_hash.pbkdf2_sha256 if scheme == "pbkdf2-sha256" else passlib_hash.django_pbkdf2_sha256
    return {"passlib": _answer(lambda: handler.verify(password, hashed))}


def explain(scheme: str, password: str, hashed: str, core: str, reference: str, theirs: str) -> str | None:
    """The documented deviation behind a difference, as ``docs/compatibility.md#anchor`` or the row's name."""
    secret = password.encode("utf-8", "surrogatepass")
    if scheme == "bcrypt":
        parsed = None
        with contextlib.suppress(PasswordError):
            parsed = parse_bcrypt(hashed)
        if parsed is not None and parsed.ident == "x":  # pyca checks $2x$ as $2b$, passlib refuses it
            return f"{DOCS}#pw-2x"
        if core == "MalformedHashError" and theirs in ("False", "ValueError"):
            return f"{DOCS}#pw-bcrypt-malformed"
        if parsed is not None and core == "True" and not parsed.canonical:
            return f"{DOCS}#pw-bcrypt-padding"
        if parsed is not None and core == "True" and parsed.ident == "a" and any(b >= 0x80 for b in secret):
            return f"{DOCS}#pw-2a-safety"
        if len(secret) > 72 and reference == "pyca/bcrypt" and theirs == "ValueError":
            return f"{DOCS}#pw-bcrypt-72"
        if reference == "passlib" and b"\x00" in secret and theirs == "PasswordValueError":
            return f"{DOCS} (core.passwords: NUL bytes in a bcrypt password)"
    if scheme == "pbkdf2-sha256" and core == "MalformedHashError" and theirs == "True":
        return f"{DOCS} (core.passwords: non-canonical ab64 in $pbkdf2-sha256$)"
    if scheme == "django-pbkdf2-sha256" and core == "True" and theirs == "ValueError":
        return f"{DOCS}#django-salt"
    return None


def _same(core: str, theirs: str) -> bool:
    # both refusing the input (each with its own class) is agreement: neither lets the login through
    return core == theirs or (core not in ("True", "False") and theirs not in ("True", "False"))


def run(pairs: Iterable[Line]) -> tuple[dict[str, Any], int]:
    rows, counts = [], {"pairs": 0, "agree": 0, "documented": 0, "disagree": 0, "not_compared": 0}
    for number, password, hashed in split_pairs(pairs):
        counts["pairs"] += 1
        try:
            scheme = identify(hashed)
        except PasswordError as exc:
            counts["not_compared"] += 1
            rows.append({"line": number, "hash": redact(hashed), "core": type(exc).__name__, "references": {},
                         "verdict": "not compared (core refuses this hash; see the inventory)"})
            continue
        core = _answer(lambda: DEFAULT_HASHER.verify(password, hashed))  # noqa: B023 - called at once
        theirs = references(scheme, password, hashed)
        notes = {ref: explain(scheme, password, hashed, core, ref, answer)
                 for ref, answer in theirs.items() if not _same(core, answer)}
        verdict = "agree" if not notes else ("documented" if all(notes.values()) else "disagree")
        counts[verdict] += 1
        if verdict != "agree":
            rows.append({"line": number, "hash": redact(hashed, scheme), "core": core, "references": theirs,
                         "deviations": notes, "verdict": verdict})
    if not counts["pairs"]:
        raise InputError("no password/hash pairs in the --check-passwords input")
    return {"counts": counts, "rows": rows}, 1 if counts["disagree"] else 0


def table(report: dict[str, Any]) -> list[list[str]]:
    out = [["line", "hash", "core", "references", "verdict"]]
    for row in report["rows"]:
        refs = ", ".join(f"{name} {answer}" for name, answer in row["references"].items())
        why = "; ".join(v or f"{k}: UNEXPLAINED" for k, v in row.get("deviations", {}).items())
        out.append([str(row["line"]), row["hash"], row["core"], refs, row["verdict"] + (f": {why}" if why else "")])
    return out

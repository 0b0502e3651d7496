"""``python -m compat_tests tokens``: each token decoded by core, python-jose and PyJWT with the same options.

A row per token: each library's decision (the class it raised when it refused), whether the claims match, and the
verdict: ``same``, a documented deviation (its anchor in docs/compatibility.md) or ``DISAGREE``. Tokens are bearer
credentials: neither the token nor its claim values are printed, only its line, its ``alg``/``kid`` and claim names.
"""

from __future__ import annotations

import os
from typing import Any

from compat_tests._cli_input import InputError, lines
from compat_tests._token_deviations import DOCS, Token, explain
from compat_tests._tokens import LIBRARIES, DecodeOptions, Outcome, decode_all, differences

# Above core's 8 KiB cap, so an oversized token is reported as the jwt-token-size deviation, not as bad input.
MAX_LINE_BYTES = 64 * 1024
MIN_KEY_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}  # RFC 7518 §3.2


def read_key(name: str) -> str:
    key = os.environ.get(name)
    if key is None:
        raise InputError(f"the environment variable {name} is not set (--key-env names the variable holding "
                         "the signing key, never the key itself)")
    return key


def _label(outcome: Outcome) -> str:
    return "accepted" if outcome.accepted else f"refused: {outcome.error}"


def _header_summary(token: Token) -> dict[str, Any]:
    header = token.header or {}
    kid = header.get("kid")
    return {"alg": header.get("alg") if isinstance(header.get("alg"), str) else None,
            "kid": kid if isinstance(kid, str) and len(kid) <= 40 else None,
            "claims": sorted(token.claims) if token.claims else None}


def check_token(text: str, key: str, opts: DecodeOptions) -> dict[str, Any]:
    token = Token(text)
    outcomes = decode_all(text, key, opts)
    diffs = []
    for reference, what in differences(outcomes):
        anchor = explain(token, key, opts, outcomes, reference)
        diffs.append({"reference": reference, "difference": what, "deviation": anchor,
                      "docs": f"{DOCS}#{anchor}" if anchor else None})
    verdict = "same" if not diffs else ("deviation" if all(d["deviation"] for d in diffs) else "DISAGREE")
    accepted = [o.claims for o in outcomes.values() if o.accepted]
    claims_equal = all(c == accepted[0] for c in accepted) if len(accepted) > 1 else None  # None: nothing to compare
    return {**_header_summary(token),
            "decisions": {name: _label(o) for name, o in outcomes.items()},
            "claims_equal": claims_equal, "verdict": verdict, "differences": diffs}


def run(source: str, key_env: str, opts: DecodeOptions) -> tuple[dict[str, Any], int]:
    """(report, exit status): 1 when any token shows a difference no documented deviation explains."""
    key = read_key(key_env)
    notes = []
    short = [alg for alg in opts.algorithms if len(key.encode()) < MIN_KEY_BYTES.get(alg, 0)]
    if short:
        notes.append(f"the key is {len(key.encode())} bytes, under RFC 7518's minimum for {', '.join(short)}: "
                     f"core and PyJWT warn ({DOCS}#jwt-short-key)")
    rows = []
    for line in lines(source, max_bytes=MAX_LINE_BYTES, what="tokens"):
        text = line.text.strip()
        if text[:7].lower() == "bearer ":  # lines copied from an Authorization header
            text = text[7:].strip()
        rows.append({"line": line.number, **check_token(text, key, opts)})
    if not rows:
        raise InputError("no tokens in the input (one a line expected)")
    counts = {v: sum(r["verdict"] == v for r in rows) for v in ("same", "deviation", "DISAGREE")}
    report = {"command": "tokens", "options": opts._asdict(), "libraries": versions(), "tokens": len(rows),
              "verdicts": counts, "notes": notes, "rows": rows}
    return report, 1 if counts["DISAGREE"] else 0


def versions() -> dict[str, str]:
    import importlib.metadata

    names = {"core": "leancore", "python-jose": "python-jose", "PyJWT": "PyJWT"}
    return {lib: importlib.metadata.version(dist) for lib, dist in names.items() if lib in LIBRARIES}


def table(report: dict[str, Any]) -> list[list[str]]:
    """Rows of the terminal table: line, alg, one decision per library, claims, verdict."""
    out = [["line", "alg", *LIBRARIES, "claims", "verdict"]]
    for row in report["rows"]:
        verdict = row["verdict"]
        if row["differences"]:
            verdict += ": " + "; ".join(f"{d['reference']} #{d['deviation']}" if d["deviation"]
                                        else f"{d['difference']}" for d in row["differences"])
        out.append([str(row["line"]), str(row["alg"]), *(row["decisions"][lib] for lib in LIBRARIES),
                    {True: "same", False: "differ", None: "-"}[row["claims_equal"]], verdict])
    return out

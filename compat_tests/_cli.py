"""The command line: ``python -m compat_tests tokens|hashes|oracles``, a table on the terminal or ``--json``.

Exit status: 0 all agree (or every difference is a documented deviation), 1 a disagreement no deviation explains,
2 the input or the command line cannot be used (a one-line message on stderr, never a traceback), 3 a bug of
the command itself (also without a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from compat_tests._cli_input import InputError

EXTRA = "pip install -e '.[compat]'"  # the extra that pins the reference libraries (pyproject.toml)
DISTRIBUTIONS = {"jose": "python-jose", "jwt": "PyJWT", "passlib": "passlib", "bcrypt": "bcrypt"}
CELL = 110  # widest table cell, in characters


def _now(text: str) -> int:
    """``--now``: seconds since the epoch, or an ISO 8601 time (without a zone: UTC)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (seconds since the epoch or ISO 8601)") from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m compat_tests", description=(
        "Cross-verify your own tokens and stored password hashes: core beside python-jose, PyJWT, passlib and "
        "bcrypt. Differences are named by their row in docs/compatibility.md."))
    sub = top.add_subparsers(dest="command", required=True)
    tokens = sub.add_parser("tokens", help="decode each token (one a line) with core, python-jose and PyJWT")
    tokens.add_argument("file", nargs="?", default="-", help="tokens one a line (default: stdin)")
    tokens.add_argument("--key-env", required=True, metavar="VAR",
                        help="the environment variable that holds the HMAC key (the key is never an argument)")
    tokens.add_argument("--algorithm", action="append", dest="algorithms", choices=["HS256", "HS384", "HS512"],
                        help="allowed algorithm (repeatable; default HS256)")
    tokens.add_argument("--audience")
    tokens.add_argument("--issuer")
    tokens.add_argument("--leeway", type=int, default=0, help="seconds of clock skew allowed (default 0)")
    tokens.add_argument("--now", type=_now, help="the time to decode at (epoch seconds or ISO 8601; default: now)")
    hashes = sub.add_parser("hashes", help="inventory of stored password hashes (one a line)")
    hashes.add_argument("file", nargs="?", help="hashes one a line (default: stdin; with --check-passwords: "
                                                "the hashes of the pairs)")
    hashes.add_argument("--check-passwords", metavar="PAIRS",
                        help="password<TAB>hash a line: verify each with core and with passlib / bcrypt")
    hashes.add_argument("--bench-dir", type=Path, help="benchmark results folder (default: the checkout's .bench/)")
    sub.add_parser("oracles", help="the installed reference libraries beside the pinned ones")
    for command in sub.choices.values():
        command.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    return top


def render(rows: list[list[str]]) -> str:
    cells = [[c if len(c) <= CELL else c[: CELL - 1] + "…" for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def _tokens(args: argparse.Namespace) -> tuple[dict[str, Any], str, int]:
    from compat_tests import _cli_tokens
    from compat_tests._tokens import DecodeOptions

    opts = DecodeOptions(tuple(args.algorithms or ["HS256"]), args.audience, args.issuer, args.leeway, args.now)
    report, status = _cli_tokens.run(args.file, args.key_env, opts)
    v = report["verdicts"]
    libraries = ", ".join(f"{k} {n}" for k, n in report["libraries"].items())
    text = "\n".join([render(_cli_tokens.table(report)), "",
                      f"{report['tokens']} tokens: {v['same']} same, {v['deviation']} documented deviations, "
                      f"{v['DISAGREE']} disagreements ({libraries})", *report["notes"]])
    return report, text, status


def _hashes(args: argparse.Namespace) -> tuple[dict[str, Any], str, int]:
    from compat_tests import _cli_hashes, _cli_passwords
    from compat_tests._cli_input import Line, lines

    status, checked = 0, None
    if args.check_passwords:
        pairs = list(lines(args.check_passwords, max_bytes=_cli_passwords.MAX_LINE_BYTES, what="password<TAB>hash"))
        checked, status = _cli_passwords.run(pairs)
        if args.file is None:  # inventory the hashes of the pairs
            pairs = [Line(n, h) for n, _, h in _cli_passwords.split_pairs(pairs)]
        source = pairs if args.file is None else lines(args.file, max_bytes=_cli_hashes.MAX_LINE_BYTES,
                                                        what="stored password hashes")
    else:
        source = lines(args.file or "-", max_bytes=_cli_hashes.MAX_LINE_BYTES, what="stored password hashes")
    report = _cli_hashes.run(source, args.bench_dir)
    parts = [render(_cli_hashes.table(report)), ""]
    if report["refused_groups"]:
        parts += [render(_cli_hashes.refused_table(report)), ""]
    parts += [
             f"{report['hashes']} hashes: core parses {report['parsed']}, refuses {report['refused']}; the default "
             f"policy ({report['policy']['scheme']}, {report['policy']['rounds']:,} rounds) rehashes "
             f"{report['rehash_on_login']} on their next successful login.", report["cpu"]["message"]]
    if checked is not None:
        report["check_passwords"] = checked
        c = checked["counts"]
        parts += ["", f"--check-passwords: {c['pairs']} pairs: {c['agree']} agree, {c['documented']} differ as "
                      f"documented, {c['disagree']} disagree, {c['not_compared']} not compared"]
        if checked["rows"]:
            parts += [render(_cli_passwords.table(checked))]
    return report, "\n".join(parts), status


def _oracles(args: argparse.Namespace) -> tuple[dict[str, Any], str, int]:
    from compat_tests import _oracles

    report = _oracles.report()
    return report, render(_oracles.table(report)), 0


COMMANDS = {"tokens": _tokens, "hashes": _hashes, "oracles": _oracles}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        report, text, status = COMMANDS[args.command](args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        name = DISTRIBUTIONS.get((exc.name or "").split(".")[0], exc.name or str(exc))
        print(f"error: {name} is not installed: the reference libraries come with {EXTRA}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback: a short message, and a status that says it is ours
        print(f"error: unexpected {type(exc).__name__} (a bug in python -m compat_tests; please report it with "
              "the command line, not the data)", file=sys.stderr)
        return 3
    try:
        print(json.dumps(report, indent=2, ensure_ascii=False, default=str) if args.json else text)
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head`: the reader left; say nothing more (Python's own advice)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return status

"""Reading the CLI's input files: one item a line, bounded, text only; anything else is a clear ``InputError``.

The files are a team's own data (a dump of tokens, ``SELECT hashed_password FROM users``), so they may hold
anything: binary garbage, NUL bytes, a line of megabytes. Each line is read with a cap (``readline(limit)``), so
a huge line costs at most the cap in memory before it is refused.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple


class InputError(ValueError):
    """The input cannot be read as the command expects; the message names the line and never echoes its content."""


class Line(NamedTuple):
    number: int  # 1-based, counting empty lines too (so it matches the file)
    text: str


def _open(source: str, what: str) -> BinaryIO:
    if source == "-":
        if sys.stdin.isatty():  # not piped: say what is awaited rather than seem to hang
            print(f"reading {what} from the terminal, one a line; end with Ctrl-D", file=sys.stderr)
        return sys.stdin.buffer
    try:
        return open(source, "rb")
    except OSError as exc:
        raise InputError(f"cannot open {source}: {exc.strerror or exc}") from exc


def lines(source: str, *, max_bytes: int, what: str) -> Iterator[Line]:
    """The non-empty lines of ``source`` (a path or ``-`` for stdin), ``\\r\\n`` / ``\\n`` stripped, as UTF-8 text.

    Raises InputError for a line over ``max_bytes``, a NUL byte or bytes that are not UTF-8, naming the line.
    """
    stream = _open(source, what)
    try:
        number = 0
        while True:
            raw = stream.readline(max_bytes + 2)  # +2: room for the line's own "\r\n"
            if not raw:
                return
            number += 1
            body = raw.rstrip(b"\r\n") if raw.endswith(b"\n") else raw
            if len(body) > max_bytes:
                raise InputError(f"line {number}: longer than {max_bytes:,} bytes; is this a file of {what}, "
                                 "one a line?")
            if b"\x00" in body:
                raise InputError(f"line {number}: contains a NUL byte (binary data?); expected {what}, one a line")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"line {number}: not UTF-8 text (byte {exc.start + 1}); expected {what}, "
                                 "one a line") from None
            if text.strip():
                yield Line(number, text)
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from exc
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()

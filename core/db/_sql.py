"""A small SQL lexer: split a script into statements and translate the port's ``?`` placeholders.

Both jobs need the same thing: to know which characters are *code* and which sit inside a string literal
(``'it''s'``), a quoted identifier (``"a?b"``) or a comment (``-- ?``, ``/* ; */``). Only code characters are
placeholders or statement separators. Dollar-quoted PostgreSQL bodies (``$$ ... $$``) are not supported: core's
migrations do not use them and the splitter refuses a script containing ``$$`` rather than cut it wrongly.
"""

from __future__ import annotations

from collections.abc import Iterator

from core.db._errors import DatabaseError


def _segments(sql: str) -> Iterator[tuple[bool, str]]:
    """Yield ``(is_code, text)`` runs covering ``sql`` exactly; quotes and comments are not code."""
    i, n, start = 0, len(sql), 0
    while i < n:
        ch = sql[i]
        end = -1
        if ch in "'\"`":
            # SQL doubles a quote to escape it (''), so a literal simply ends at the next lone quote.
            j = i + 1
            while True:
                j = sql.find(ch, j)
                if j == -1:
                    end = n
                    break
                if j + 1 < n and sql[j + 1] == ch:
                    j += 2
                    continue
                end = j + 1
                break
        elif ch == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            end = n if j == -1 else j
        elif ch == "/" and sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            end = n if j == -1 else j + 2
        if end == -1:
            i += 1
            continue
        if start < i:
            yield True, sql[start:i]
        yield False, sql[i:end]
        i = start = end
    if start < n:
        yield True, sql[start:]


def to_pyformat(sql: str) -> str:
    """Translate ``?`` placeholders to psycopg's ``%s`` and escape every literal ``%`` as ``%%``.

    psycopg parses ``%`` everywhere in the query text (also inside string literals) when parameters are passed,
    so *every* ``%`` is doubled, while only code ``?`` become ``%s``.
    """
    out = []
    for is_code, text in _segments(sql):
        escaped = text.replace("%", "%%")
        out.append(escaped.replace("?", "%s") if is_code else escaped)
    return "".join(out)


def count_placeholders(sql: str) -> int:
    """How many ``?`` placeholders the statement holds outside literals and comments."""
    return sum(text.count("?") for is_code, text in _segments(sql) if is_code)


def split_statements(script: str) -> list[str]:
    """Split a migration script into single statements (without the trailing ``;``), dropping empty ones.

    A statement made only of comments is dropped too: D1 rejects an empty prepared statement.
    """
    if "$$" in script:
        raise DatabaseError("dollar-quoted bodies ($$) are not supported in migration scripts")
    statements: list[str] = []
    current: list[str] = []
    has_code = False

    def flush() -> None:
        text = "".join(current).strip()
        if has_code and text:
            statements.append(text)

    for is_code, text in _segments(script):
        if not is_code:
            current.append(text)
            continue
        parts = text.split(";")
        for k, part in enumerate(parts):
            if k:
                flush()
                current, has_code = [], False
            current.append(part)
            has_code = has_code or bool(part.strip())
    flush()
    return statements

"""core.db._sql: placeholder translation and statement splitting respect literals, identifiers and comments."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.db import DatabaseError
from core.db._sql import count_placeholders, split_statements, to_pyformat


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
    ("SELECT '?' , ?", "SELECT '?' , %s"),
    ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', %s"),
    ('SELECT "col?" FROM t WHERE x = ?', 'SELECT "col?" FROM t WHERE x = %s'),
    ("SELECT ? -- why?\n", "SELECT %s -- why?\n"),
    ("SELECT /* ? */ ?", "SELECT /* ? */ %s"),
    ("SELECT 100 % 7, '50%' WHERE x LIKE ?", "SELECT 100 %% 7, '50%%' WHERE x LIKE %s"),
    ("SELECT %s", "SELECT %%s"),
])
def test_to_pyformat_translates_only_code_placeholders_and_escapes_every_percent(sql: str, expected: str) -> None:
    """? becomes %s outside literals/comments; every % is doubled, because psycopg parses % everywhere."""
    assert to_pyformat(sql) == expected


_code = st.text(alphabet="abc =,()?%;\n ", max_size=12)
_literal = st.text(alphabet="xyz?;%-/*\"", max_size=8).map(lambda s: "'" + s.replace("'", "''") + "'")


@given(st.lists(st.tuples(_code, _literal), max_size=6))
def test_placeholder_count_ignores_literals(parts: list[tuple[str, str]]) -> None:
    """Placeholders are the ? of code runs only; psycopg reading the translation gets back the original text."""
    sql = "".join(code + literal for code, literal in parts)
    assert count_placeholders(sql) == sum(code.count("?") for code, _ in parts)
    original, markers = _read_like_psycopg(to_pyformat(sql))
    assert original == sql
    assert markers == count_placeholders(sql)


def _read_like_psycopg(query: str) -> tuple[str, int]:
    """Undo pyformat the way psycopg reads it: %% is a literal %, %s a parameter (shown here as ?)."""
    out, markers, i = [], 0, 0
    while i < len(query):
        pair = query[i:i + 2]
        if pair == "%%":
            out.append("%")
        elif pair == "%s":
            out.append("?")
            markers += 1
        else:
            assert query[i] != "%", f"a lone % psycopg would reject at {i} in {query!r}"
            out.append(query[i])
            i += 1
            continue
        i += 2
    return "".join(out), markers


@given(st.lists(st.text(alphabet="abc;?-'\n/*", min_size=0, max_size=10), min_size=1, max_size=5))
def test_split_statements_recovers_statements_whose_literals_hold_separators(literals: list[str]) -> None:
    """Statements whose string literals contain ';', '--' or '/*' split back exactly; sqlite3 agrees each is whole."""
    statements = ["SELECT '" + text.replace("'", "''") + "' AS v" for text in literals]
    script = ";\n".join(statements) + ";\n-- trailing comment\n"
    assert split_statements(script) == statements
    assert all(sqlite3.complete_statement(s + ";") for s in split_statements(script))


def test_split_statements_keeps_comments_and_drops_empty_statements() -> None:
    """Comment-only or empty pieces (which D1 would reject) are dropped; a comment inside a statement stays."""
    script = "-- header\n;;CREATE TABLE a (x TEXT); /* only a comment */ ;\nINSERT INTO a VALUES ('a;b') -- c;d\n"
    assert split_statements(script) == ["CREATE TABLE a (x TEXT)", "INSERT INTO a VALUES ('a;b') -- c;d"]


def test_split_statements_refuses_dollar_quoting() -> None:
    """A script with $$ bodies is refused rather than cut at a ';' inside the body."""
    with pytest.raises(DatabaseError, match="dollar-quoted"):
        split_statements("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;")

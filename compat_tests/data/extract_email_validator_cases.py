"""Regenerate email_validator_syntax_cases.json from email-validator's own syntax tests.

Source: tests/test_syntax.py in the email-validator 2.4.0 source distribution (PyPI sdist
email_validator-2.4.0.tar.gz). Usage, from the repository root:

    pip download --no-binary=:all: --no-deps email-validator==2.4.0 -d /tmp/ev
    python compat_tests/data/extract_email_validator_cases.py /tmp/ev/email_validator-2.4.0.tar.gz

How: the test module is parsed (never imported or executed). For every test function, each input address (the
first ``@pytest.mark.parametrize`` argument, or a string literal / ``for`` loop tuple fed to ``validate_email``)
is paired with every option set passed to ``validate_email`` in that function. Options leancore does not offer
(``check_deliverability``, ``test_environment``, ``allow_empty_local``) are dropped: the compat test runs both
libraries with the same remaining options and asserts they agree, so upstream's expected values are not copied.
"""

from __future__ import annotations

import ast
import json
import sys
import tarfile
from pathlib import Path

MEMBER = "email_validator-2.4.0/tests/test_syntax.py"
OUT = Path(__file__).resolve().parent / "email_validator_syntax_cases.json"
# Upstream's two not-quadratic timing tests feed 50,000-200,000 character inputs; they are left out of the data
# file (hundreds of KB) and their shapes are exercised by tests/core/test_emails.py instead.
MAX_INPUT = 2000
SUPPORTED = ("allow_smtputf8", "allow_quoted_local", "allow_domain_literal", "allow_display_name", "strict")


def _parametrize(func: ast.FunctionDef) -> tuple[list[str], list[tuple[object, ...]]]:
    for deco in func.decorator_list:
        if isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "parametrize":
            names_node, values_node = deco.args[0], deco.args[1]
            names = ast.literal_eval(names_node)
            names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
            rows = []
            for elt in values_node.elts:  # type: ignore[attr-defined]
                items = elt.elts if isinstance(elt, (ast.Tuple, ast.List)) else [elt]
                rows.append(tuple(ast.literal_eval(i) if not isinstance(i, ast.Call) else None for i in items))
            return names, rows
    return [], []


def _calls(func: ast.FunctionDef) -> list[ast.Call]:
    return [n for n in ast.walk(func) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "validate_email"]


def _options(call: ast.Call) -> dict[str, bool]:
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg in SUPPORTED}


def _evaluate(node: ast.expr, names: dict[str, object]) -> object:
    """Value of a string expression from the test source ("a" + s, "9" * 200000): string arithmetic only."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return names[node.id]
    if isinstance(node, ast.Tuple):
        return tuple(_evaluate(e, names) for e in node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _evaluate(node.left, names) + _evaluate(node.right, names)  # type: ignore[operator]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _evaluate(node.left, names) * _evaluate(node.right, names)  # type: ignore[operator]
    raise ValueError(f"unsupported expression on line {node.lineno}")


def extract(source: str) -> list[dict[str, object]]:
    cases: dict[tuple[str, str], dict[str, object]] = {}

    def add(email: object, options: dict[str, bool], test: str) -> None:
        if isinstance(email, str) and len(email) <= MAX_INPUT:
            key = (email, json.dumps(options, sort_keys=True))
            cases.setdefault(key, {"email": email, "options": options, "test": test})

    for func in ast.parse(source).body:
        if not isinstance(func, ast.FunctionDef) or not func.name.startswith("test_"):
            continue
        names, rows = _parametrize(func)
        loop_values = {
            n.target.id: _evaluate(n.iter, {})
            for n in ast.walk(func)
            if isinstance(n, ast.For) and isinstance(n.target, ast.Name) and isinstance(n.iter, ast.Tuple)
        }
        for call in _calls(func):
            arg, options = call.args[0], _options(call)
            if isinstance(arg, ast.Constant):
                add(arg.value, options, func.name)
            elif isinstance(arg, ast.Name) and arg.id in loop_values:
                for value in loop_values[arg.id]:
                    add(value, options, func.name)
            elif names:
                for row in rows:
                    add(_evaluate(arg, dict(zip(names, row, strict=False))), options, func.name)
    return list(cases.values())


def main(sdist: str) -> None:
    with tarfile.open(sdist) as tar:
        member = tar.extractfile(MEMBER)
        assert member is not None
        source = member.read().decode("utf-8")
    cases = extract(source)
    document = {
        "source": f"{Path(sdist).name}:{MEMBER}",
        "version": "email-validator 2.4.0",
        "extracted_by": "compat_tests/data/extract_email_validator_cases.py",
        "note": "inputs and option sets only; the compat test compares core with email-validator run live",
        "cases": cases,
    }
    OUT.write_text(json.dumps(document, ensure_ascii=True, indent=1) + "\n", encoding="ascii")
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])

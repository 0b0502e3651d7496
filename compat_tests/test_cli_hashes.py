"""`python -m compat_tests hashes`: an inventory of stored hashes from passlib, pyca/bcrypt and Django
(groups, refusals with the reason, rehash counts, CPU per login from benchmark results), never a hash in full, and
`--check-passwords` verifying pairs with core and with passlib / bcrypt."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import bcrypt
import pytest

from compat_tests import _cli_fixtures as fx
from compat_tests import _cli_passwords
from compat_tests._cli import main


@pytest.fixture
def hashes() -> dict[str, list[str]]:
    return fx.hashes()


@pytest.fixture
def hash_file(tmp_path: Path, hashes: dict[str, list[str]]) -> Path:
    path = tmp_path / "hashes.txt"
    # a dump with blank lines (NULL rows) and CRLF line ends
    path.write_bytes(b"".join(h.encode() + b"\r\n\r\n" for group in hashes.values() for h in group))
    return path


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    status = main([*argv, "--json"])
    return status, json.loads(capsys.readouterr().out)


def test_groups_by_scheme_and_cost_with_rehash_counts(hash_file: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Each scheme and work factor is one group with its count; all but the 600,000-round PBKDF2 need a rehash."""
    status, report = _json(["hashes", str(hash_file), "--bench-dir", str(tmp_path / "none")], capsys)
    assert status == 0
    groups = {(g["scheme"], g["variant"], g["cost"]): (g["count"], g["rehash"]) for g in report["groups"]}
    assert groups == {("pbkdf2-sha256", "", 29_000): (3, 3), ("pbkdf2-sha256", "", 600_000): (1, 0),
                      ("bcrypt", "$2b$", 4): (2, 2), ("bcrypt", "$2a$", 5): (1, 1),
                      ("django-pbkdf2-sha256", "", 1000): (1, 1), ("django-pbkdf2-sha256", "", 600_000): (1, 1),
                      ("django-pbkdf2-sha256", "", 1_500_000): (1, 1)}
    assert (report["hashes"], report["parsed"], report["refused"], report["rehash_on_login"]) == (16, 10, 6, 9)


def test_refused_hashes_say_why(hash_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Argon2, $2$, a hex digest, clear text, a truncated bcrypt hash and a lock marker are refused, each with why."""
    _, report = _json(["hashes", str(hash_file)], capsys)
    reasons = {r["reason"]: (r["count"], r["docs"]) for r in report["refused_groups"]}
    assert reasons == {
        "Argon2 (passlib / argon2-cffi): not a scheme core verifies": (1, "docs/compatibility.md#ctx-schemes"),
        "bcrypt with the original $2$ label: not a scheme core verifies": (1, "docs/compatibility.md#pw-2"),
        "not a hash of a known format (32 hex characters (an unsalted MD5 digest?))": (1, None),
        "not a hash of a known format (18 characters, base64-like)": (1, None),
        "not a hash of a known format (a locked-account marker)": (1, None),
        "malformed bcrypt hash: a bcrypt hash is $2b$<cost>$ followed by 53 characters of ./A-Za-z0-9": (1, None),
    }


def test_no_hash_is_printed_in_full(hash_file: Path, hashes: dict[str, list[str]],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Neither the table nor the JSON holds any stored value, or more than four characters of any salt."""
    for argv in (["hashes", str(hash_file)], ["hashes", str(hash_file), "--json"]):
        main(argv)
        out = capsys.readouterr().out
        for group in hashes.values():
            for value in group:
                if len(value) > 2:
                    assert value not in out
                    assert value[-12:] not in out
    # the examples are scheme, cost and four salt characters
    assert re.search(r"\$2b\$04\$[./A-Za-z0-9]{4}…", out)
    assert "plaintext" not in out


def test_cpu_per_login_scaled_from_the_benchmark_results(hash_file: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """With results present, each group's CPU is the measured figure scaled to its work factor, with the run's date."""
    bench = fx.bench_results(tmp_path / "bench")
    _, report = _json(["hashes", str(hash_file), "--bench-dir", str(bench)], capsys)
    cpu = {(g["scheme"], g["cost"]): g["cpu_ms"] for g in report["groups"]}
    assert cpu[("pbkdf2-sha256", 600_000)]["cpython"]["ms"] == pytest.approx(150.0)
    assert cpu[("pbkdf2-sha256", 29_000)]["workers"]["ms"] == pytest.approx(1200.0 * 29_000 / 600_000, rel=1e-3)
    assert cpu[("bcrypt", 4)]["cpython"]["ms"] == pytest.approx(16.0 / 16)
    assert cpu[("bcrypt", 5)]["cpython_pure"]["ms"] == pytest.approx(1000.0 / 8)
    assert cpu[("bcrypt", 5)]["workers"]["ms"] == pytest.approx(12_000.0 / 32)
    assert cpu[("bcrypt", 4)]["workers"]["measured"] == "2026-11-30 14:15:02"
    assert report["cpu"]["measured"] is True
    assert report["cpu"]["missing"] == []
    main(["hashes", str(hash_file), "--bench-dir", str(bench)])
    assert "measured 2026-11-30 14:15:02 (local time of each run) on CPython 3.11.7, full profile" in (
        capsys.readouterr().out)


def test_without_results_it_says_so_and_how_to_measure(hash_file: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """No results folder: every CPU cell says 'not measured' and the report names the command that measures."""
    assert main(["hashes", str(hash_file), "--bench-dir", str(tmp_path / "empty")]) == 0
    out = capsys.readouterr().out
    assert "not measured" in out
    assert 'no benchmark results in' in out
    assert 'tox -e bench -- -k "passwords or login"' in out


def test_the_workers_limit_is_flagged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bcrypt cost whose Workers CPU passes the 30 s default limit is flagged in the table."""
    path = tmp_path / "h.txt"
    path.write_text("$2b$12$" + "C" * 53 + "\n")
    main(["hashes", str(path), "--bench-dir", str(fx.bench_results(tmp_path / "bench"))])
    assert "(over the 30 s default limit)" in capsys.readouterr().out


def _pairs(tmp_path: Path, pairs: list[tuple[str, str]]) -> Path:
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{pw}\t{h}\n" for pw, h in pairs), encoding="utf-8")
    return path


def test_check_passwords_agreement_and_documented_differences(tmp_path: Path, hashes: dict[str, list[str]],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Right and wrong passwords agree for every scheme (a truncated bcrypt hash: refused by all); a $2x$ hash is
    the documented deviation; hashes of schemes core does not read are not compared; exit 0."""
    pairs = [("pw", h) for name, group in hashes.items() for h in group
             if name not in ("core-pbkdf2-600000", "django-tests")]
    pairs.append(("lètmein", hashes["django-tests"][0]))  # Django's own 600,000-iteration hash
    pairs += [("wrong", hashes["bcrypt-2b-04"][0]), ("tab\tinside", bcrypt.hashpw(b"tab\tinside",
                                                                                   bcrypt.gensalt(4)).decode())]
    pairs.append(("pw", "$2x$" + bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode()[4:]))
    status, report = _json(["hashes", "--check-passwords", str(_pairs(tmp_path, pairs))], capsys)
    counts = report["check_passwords"]["counts"]
    assert status == 0
    assert counts == {"pairs": len(pairs), "agree": 11, "documented": 1, "disagree": 0, "not_compared": 5}
    (documented,) = [r for r in report["check_passwords"]["rows"] if r["verdict"] == "documented"]
    assert documented["deviations"] == {"passlib": "docs/compatibility.md#pw-2x"}
    assert report["hashes"] == len(pairs)  # the inventory ran over the pairs' hashes


def test_check_passwords_disagreement_exits_1_and_never_prints_the_password(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A reference answering otherwise with no documented reason is a disagreement: exit 1, password not shown."""
    hashed = bcrypt.hashpw(b"s3cret-Pa55", bcrypt.gensalt(4)).decode()
    monkeypatch.setattr(_cli_passwords, "references", lambda *_: {"pyca/bcrypt": "False"})
    path = _pairs(tmp_path, [("s3cret-Pa55", hashed)])
    assert main(["hashes", "--check-passwords", str(path)]) == 1
    out = capsys.readouterr().out
    assert "pyca/bcrypt: UNEXPLAINED" in out
    assert "s3cret-Pa55" not in out
    assert hashed not in out

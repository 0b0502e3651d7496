"""Mutation score of core's packages, for the budgets: per package, detected / (all mutants - equivalent ones).

mutmut 3 (configured in pyproject.toml ``[tool.mutmut]``) writes each mutant's verdict to ``mutants/<file>.meta``;
this module turns those verdicts into one score per package and checks the committed list of equivalent mutants
(bench/mutation_equivalents.toml) against them. It needs nothing from mutmut: the caller passes the verdicts and a
way to show a mutant's change (bench/test_mutation_bench.py, which runs mutmut).

Detected: a test failed (``killed``), the tests hung past mutmut's timeout (``timeout``) or the interpreter
crashed (``segfault``); a suite that hangs or crashes on a change does catch it. Everything else counts against
the score: ``survived``, ``no tests`` (no test reaches the function), ``suspicious``, ``skipped``, ``not checked``.

An equivalent mutant is one no test can kill because it cannot change behaviour. Each is listed by name with the
line it writes (``change``: a renumbered or rewritten mutant no longer matches its entry) and the reason; an entry
whose mutant is gone, rewritten or now killed fails the run, so the list is reviewed whenever the code moves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
EQUIVALENTS_TOML = HERE / "mutation_equivalents.toml"
# The packages with a score, by module prefix (pyproject.toml [tool.mutmut] only_mutate names the same files).
PACKAGES = ("core.jwt", "core.passwords", "core.emails", "core.settings", "core.initialization")
DETECTED = frozenset({"killed", "timeout", "segfault"})


class MutationError(ValueError):
    """The mutation results and the committed equivalents disagree (or one of them is malformed)."""


@dataclass(frozen=True)
class Equivalent:
    mutant: str
    change: str
    reason: str


@dataclass
class PackageScore:
    package: str
    total: int = 0
    detected: int = 0
    equivalent: int = 0
    timeouts: int = 0
    # (mutant, status, change) of every mutant that counts against the score
    undetected: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def score(self) -> float:
        counted = self.total - self.equivalent
        return 100.0 * self.detected / counted if counted else 100.0


def package_of(mutant: str) -> str:
    """The package a mutant name (``core.jwt._api.xǁJWTǁencode__mutmut_41``) belongs to."""
    for package in PACKAGES:
        if mutant.startswith(package + "."):
            return package
    raise MutationError(f"mutant {mutant!r} is in none of the scored packages {PACKAGES}")


def change_of(diff: str) -> str:
    """The lines a mutant writes, from its unified diff: each added line stripped, joined by `` / ``."""
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return " / ".join(line for line in added if line)


def load_equivalents(path: Path = EQUIVALENTS_TOML) -> list[Equivalent]:
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("equivalent", [])
    out: list[Equivalent] = []
    seen: set[str] = set()
    for entry in entries:
        missing = [k for k in ("mutant", "change", "reason") if not str(entry.get(k, "")).strip()]
        if missing or set(entry) - {"mutant", "change", "reason"}:
            raise MutationError(f"{path.name}: each entry needs mutant, change and reason (only): {entry!r}")
        if entry["mutant"] in seen:
            raise MutationError(f"{path.name}: {entry['mutant']} is listed twice")
        package_of(entry["mutant"])
        seen.add(entry["mutant"])
        out.append(Equivalent(entry["mutant"], entry["change"].strip(), entry["reason"].strip()))
    return out


def read_statuses(mutants_dir: Path, status_by_exit_code: Callable[[int | None], str]) -> dict[str, tuple[str, Path]]:
    """Every mutant's status and source file (relative to the repository), from mutmut's ``.meta`` files."""
    out: dict[str, tuple[str, Path]] = {}
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        source = meta.relative_to(mutants_dir).with_suffix("")
        for mutant, exit_code in json.loads(meta.read_text())["exit_code_by_key"].items():
            out[mutant] = (status_by_exit_code(exit_code), source)
    return out


def score(statuses: dict[str, str], change: Callable[[str], str], equivalents: Iterable[Equivalent]) -> dict[str,
                                                                                                          PackageScore]:
    """Score every package; ``change(mutant)`` gives the line a mutant writes (asked only for the undetected and
    the listed ones). Raises MutationError for each listed equivalent that no longer is one, all named at once."""
    by_name = {e.mutant: e for e in equivalents}
    problems: list[str] = []
    for name, entry in sorted(by_name.items()):
        status = statuses.get(name)
        if status is None:
            problems.append(f"{name}: listed as equivalent, but there is no such mutant (code moved: review the entry)")
        elif status in DETECTED:
            problems.append(f"{name}: listed as equivalent, but the tests detect it ({status}): remove the entry")
        elif (actual := change(name)) != entry.change:
            problems.append(f"{name}: the entry says it writes {entry.change!r}, it now writes {actual!r}: review")
    if problems:
        raise MutationError("bench/mutation_equivalents.toml is out of step:\n  " + "\n  ".join(problems))
    scores = {p: PackageScore(p) for p in PACKAGES}
    for name, status in statuses.items():
        s = scores[package_of(name)]
        s.total += 1
        if name in by_name:
            s.equivalent += 1
        elif status in DETECTED:
            s.detected += 1
            s.timeouts += status == "timeout"
        else:
            s.undetected.append((name, status, change(name)))
    for s in scores.values():
        s.undetected.sort()
    return scores

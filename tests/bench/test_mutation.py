"""The mutation score: per package, detected / (all - equivalent); equivalents out of step with the run fail it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import _mutation
from bench._mutation import Equivalent, MutationError, change_of, load_equivalents, package_of, read_statuses, score

DIFF = """--- core/jwt/_claims.py
+++ core/jwt/_claims.py
@@ -1,3 +1,3 @@
 def _validate_iss(claims, accepted):
-    if not isinstance(iss, str) or iss not in accepted:
+    if not isinstance(iss, str) and iss not in accepted:
         raise JWTClaimsError("Invalid issuer")"""
OR_TO_AND = "if not isinstance(iss, str) and iss not in accepted:"


def changes(mutant: str) -> str:
    return {"core.jwt._claims.x__validate_iss__mutmut_1": OR_TO_AND}.get(mutant, "line of " + mutant)


def test_the_change_is_the_added_lines_of_the_diff() -> None:
    """change_of keeps only what the mutant writes, stripped, not the diff's header or removed lines."""
    assert change_of(DIFF) == OR_TO_AND
    assert change_of("+++ f\n+    a = 1\n+\n+    b = 2\n-    c") == "a = 1 / b = 2"


def test_a_mutant_belongs_to_the_package_its_module_is_in() -> None:
    """core.settings is a package of its own, core.jwt._api belongs to core.jwt; core.db is not scored at all."""
    assert package_of("core.jwt._api.xǁJWTǁencode__mutmut_41") == "core.jwt"
    assert package_of("core.settings.xǁSettingsǁfrom_env__mutmut_3") == "core.settings"
    with pytest.raises(MutationError, match="none of the scored packages"):
        package_of("core.db._sqlite.x_connect__mutmut_1")
    with pytest.raises(MutationError):
        package_of("core.jwtx.x_f__mutmut_1")


def test_score_counts_killed_timeouts_and_crashes_as_detected_and_everything_else_against() -> None:
    """8 jwt mutants: 5 detected (3 killed, 1 timeout, 1 segfault), 1 equivalent, 2 not: 5 / 7."""
    statuses = {f"core.jwt._api.x_f__mutmut_{i}": s for i, s in enumerate(
        ["killed", "killed", "killed", "timeout", "segfault", "survived", "no tests"], start=1)}
    statuses["core.jwt._claims.x__validate_iss__mutmut_1"] = "survived"
    eq = [Equivalent("core.jwt._claims.x__validate_iss__mutmut_1", OR_TO_AND, "why")]
    scores = score(statuses, changes, eq)
    jwt = scores["core.jwt"]
    assert (jwt.total, jwt.detected, jwt.equivalent, jwt.timeouts) == (8, 5, 1, 1)
    assert jwt.score == pytest.approx(100 * 5 / 7)
    assert jwt.undetected == [("core.jwt._api.x_f__mutmut_6", "survived", "line of core.jwt._api.x_f__mutmut_6"),
                              ("core.jwt._api.x_f__mutmut_7", "no tests", "line of core.jwt._api.x_f__mutmut_7")]
    assert scores["core.emails"].total == 0


@pytest.mark.parametrize(("status", "entry_change", "message"), [
    (None, OR_TO_AND, "there is no such mutant"),
    ("killed", OR_TO_AND, "the tests detect it"),
    ("survived", "if iss not in accepted:", "it now writes"),
])
def test_an_equivalent_out_of_step_with_the_run_fails_it(status: str | None, entry_change: str, message: str) -> None:
    """A listed equivalent that is gone, killed or rewritten is an error naming it, never a silent pass."""
    name = "core.jwt._claims.x__validate_iss__mutmut_1"
    statuses = {"core.jwt._api.x_f__mutmut_1": "killed"} | ({name: status} if status else {})
    with pytest.raises(MutationError, match=message) as err:
        score(statuses, changes, [Equivalent(name, entry_change, "why")])
    assert name in str(err.value)


def test_the_equivalents_file_needs_every_field_and_one_entry_per_mutant(tmp_path: Path) -> None:
    """An entry without a reason, with an unknown key or listed twice is refused when the file is read."""
    path = tmp_path / "eq.toml"
    entry = '[[equivalent]]\nmutant = "core.jwt._api.x_f__mutmut_1"\nchange = "x = 1"\nreason = "r"\n'
    path.write_text(entry)
    assert load_equivalents(path) == [Equivalent("core.jwt._api.x_f__mutmut_1", "x = 1", "r")]
    for bad in (entry.replace('reason = "r"', 'reason = " "'), entry + 'extra = "1"\n', entry + entry,
                entry.replace("core.jwt", "core.db")):
        path.write_text(bad)
        with pytest.raises(MutationError):
            load_equivalents(path)


def test_the_committed_equivalents_file_reads() -> None:
    """bench/mutation_equivalents.toml parses, and every entry names a scored package."""
    for entry in load_equivalents():
        assert package_of(entry.mutant) in _mutation.PACKAGES


def test_statuses_are_read_from_mutmuts_meta_files(tmp_path: Path) -> None:
    """Each .meta file's exit codes become statuses, with the source file they belong to."""
    (tmp_path / "core" / "jwt").mkdir(parents=True)
    meta = {"exit_code_by_key": {"core.jwt._api.x_f__mutmut_1": 1, "core.jwt._api.x_f__mutmut_2": 0}}
    (tmp_path / "core" / "jwt" / "_api.py.meta").write_text(json.dumps(meta))
    names = {1: "killed", 0: "survived"}
    assert read_statuses(tmp_path, lambda code: names[code]) == {
        "core.jwt._api.x_f__mutmut_1": ("killed", Path("core/jwt/_api.py")),
        "core.jwt._api.x_f__mutmut_2": ("survived", Path("core/jwt/_api.py")),
    }


# Collects the mutation run's test selection twice in one process, as mutmut does (once for its stats, then in the
# forks that run each mutant's tests by node id), and prints the node ids the second collection lacks.
_TWO_COLLECTIONS = """
import json, sys, tomllib
import pytest

class Ids:
    def __init__(self):
        self.ids = []
    def pytest_collection_finish(self, session):
        self.ids = [item.nodeid for item in session.items]

mutmut = tomllib.load(open("pyproject.toml", "rb"))["tool"]["mutmut"]
args = ["--collect-only", "-q", "-p", "no:cacheprovider", "--import-mode=importlib",
        *mutmut["pytest_add_cli_args"], *mutmut["pytest_add_cli_args_test_selection"]]
first, second = Ids(), Ids()
codes = [pytest.main(args, plugins=[first]), pytest.main(args, plugins=[second])]
again = set(second.ids)
print(json.dumps({"codes": codes, "collected": len(first.ids), "lost": [i for i in first.ids if i not in again]}))
"""


def test_every_test_the_mutation_run_selects_is_found_again_by_node_id() -> None:
    """A second collection in the same process yields the same node ids as the first: pytest escapes an id given
    by ids= again at each collection, so an id with a backslash or a non-ASCII character changed, mutmut's forks
    could not select those tests, and it counted pytest's usage error as a kill (compat_tests/_ids.py)."""
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", _TWO_COLLECTIONS], cwd=root, capture_output=True, text=True,
                            timeout=600, check=False, env={**os.environ, "HYPOTHESIS_PROFILE": "mutation"})
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["codes"] == [0, 0]
    assert report["collected"] > 3000
    assert report["lost"] == [], f"{len(report['lost'])} ids change between collections, e.g. {report['lost'][:3]}"

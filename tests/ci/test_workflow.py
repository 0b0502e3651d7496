"""The GitHub Actions workflow runs what .ci/run runs: every tox env of env_list, once, with actions pinned."""

from __future__ import annotations

import configparser
import itertools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def expand(entry: str) -> list[str]:
    """tox's brace factors: ``core-py{310,311}`` -> ``core-py310``, ``core-py311``."""
    parts = re.split(r"\{([^}]*)\}", entry)
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
    return ["".join(combo) for combo in itertools.product(*choices)]


def tox_env_list() -> list[str]:
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "tox.ini")
    return [env for line in config["tox"]["env_list"].split() for env in expand(line)]


def workflow_envs() -> list[str]:
    """Every env named after ``tox -e`` in a run line or as a matrix entry's ``envs``."""
    text = re.sub(r"(^|\s)#.*", "", WORKFLOW.read_text())  # comments may name envs too
    named = re.findall(r"tox -e ([\w,-]+)", text) + re.findall(r"envs: ([\w,-]+)\}", text)
    return [env for group in named for env in group.split(",")]


def test_the_workflow_runs_every_tox_env_of_env_list_exactly_once() -> None:
    """The envs the workflow names are tox.ini's env_list (what .ci/run runs), none twice, none missing."""
    assert sorted(workflow_envs()) == sorted(tox_env_list())


def test_every_action_is_pinned_to_a_full_commit_sha() -> None:
    """Each `uses:` names a 40-hex commit (with the tag as a comment), never a movable tag or branch."""
    uses = re.findall(r"uses: (\S+)(.*)", WORKFLOW.read_text())
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+(\.\d+)*", comment), (action, comment)


def test_the_workflow_grants_read_only_contents_and_keeps_no_credentials() -> None:
    """Top-level permissions are contents: read only, and every checkout drops its token."""
    text = WORKFLOW.read_text()
    assert re.search(r"^permissions:\n  contents: read\n\n", text, re.MULTILINE)
    assert text.count("actions/checkout@") == text.count("persist-credentials: false")

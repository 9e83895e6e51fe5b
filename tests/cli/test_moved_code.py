"""Findings on code a change only moves or re-indents were there before it: with the default filter (``added``)
they are not reported, and the summary counts them (``on-moved-lines``); a copied line is new code and is reported.
Real repositories, the real bandit."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers import GitRepo

BEFORE = (
    "import subprocess\n\n\n"
    "def run(cmd):\n"
    "    subprocess.call(cmd, shell=True)\n"
)
# the call moves into a branch (re-indented) and the function gains a parameter
MOVED = (
    "import subprocess\n\n\n"
    "def run(cmd, verbose=False):\n"
    "    if verbose:\n"
    "        print(cmd)\n"
    "    else:\n"
    "        subprocess.call(cmd, shell=True)\n"
)
# the same call copied into a new function: one more of it than before
COPIED = BEFORE + "\n\ndef run_again(cmd):\n    subprocess.call(cmd, shell=True)\n"


def review(repo: GitRepo, cli: Any, *extra: str) -> dict[str, Any]:
    result = cli(repo.path, "review", "--analyzers", "bandit", "--format", "json", "--no-cache", *extra)
    assert result.code in (0, 1), result.err
    report: dict[str, Any] = json.loads(result.out)
    return report


def test_a_moved_finding_is_not_reported_but_counted(repo: GitRepo, cli: Any) -> None:
    repo.write("tool.py", BEFORE)
    repo.commit("base")
    repo.write("tool.py", MOVED)
    report = review(repo, cli)
    assert [c["line"] for c in report["comments"]] == []
    assert report["summary"]["cut"].get("on-moved-lines") == 1
    # the wider filters still show it
    wide = review(repo, cli, "--filter", "diff_context")
    assert [(c["line"], c["origin"]) for c in wide["comments"]] == [(8, "bandit:B602")]


def test_a_copied_line_is_new_code(repo: GitRepo, cli: Any) -> None:
    repo.write("tool.py", BEFORE)
    repo.commit("base")
    repo.write("tool.py", COPIED)
    report = review(repo, cli)
    assert [(c["line"], c["origin"]) for c in report["comments"]] == [(9, "bandit:B602")]
    assert "on-moved-lines" not in report["summary"]["cut"]

"""`reviewbot review --hook`: what the `reviewbot` pre-commit hook runs. The fast analyzers by default (facts and
bandit, the real ones here), `hook-analyzers` to choose, `--analyzers` over both; a review without `--hook` (and
the `reviewbot-full` hook) runs every enabled analyzer as before. No timing is asserted: bench/precommit.py
measures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reviewbot import analyzers
from tests.cli.marker_main import MARKER
from tests.helpers import GitRepo

BASE = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd.split())\n"
SHELL = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
BROKEN = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd.split()) +\n"


def _staged(repo: GitRepo, text: str, config: str | None = None) -> None:
    repo.write("app.py", BASE)
    if config is not None:
        repo.write(".reviewbot.toml", config)
    repo.commit("base")
    repo.write("app.py", text)
    repo.git("add", "app.py")


def _ran(out: str) -> list[str]:
    doc: dict[str, Any] = json.loads(out)
    return [a["name"] for a in doc["summary"]["analyzers"]]


def test_the_hook_runs_the_fast_analyzers_and_blocks_a_flagged_change(repo: GitRepo, cli: Any) -> None:
    _staged(repo, SHELL)
    r = cli(repo.path, "review", "--staged", "--hook", "--format", "json")
    assert r.code == 1, r
    doc = json.loads(r.out)
    assert [(a["name"], a["status"]) for a in doc["summary"]["analyzers"]] == [("facts", "ok"), ("bandit", "ok")]
    assert [c["origin"] for c in doc["comments"]] == ["bandit:B602"]
    r = cli(repo.path, "review", "--staged", "--hook", "--format", "short")
    assert r.code == 1 and "app.py:5: error bandit:B602" in r.out


def test_the_hook_blocks_a_file_that_does_not_parse(repo: GitRepo, cli: Any) -> None:
    _staged(repo, BROKEN)
    r = cli(repo.path, "review", "--staged", "--hook", "--format", "short")
    assert r.code == 1, r
    assert "app.py:5: error facts:syntax-error" in r.out


def test_hook_analyzers_choose_and_analyzers_flag_overrides(repo: GitRepo, cli: Any) -> None:
    _staged(repo, SHELL, "analyzers = ['marker', 'bandit']\nhook-analyzers = ['marker']\n")
    assert _ran(cli(repo.path, "review", "--staged", "--hook", "--format", "json").out) == ["marker"]
    # without --hook (the reviewbot-full hook): every enabled analyzer
    assert _ran(cli(repo.path, "review", "--staged", "--format", "json").out) == ["marker", "bandit"]
    assert _ran(cli(repo.path, "review", "--staged", "--hook", "--analyzers", "bandit", "--format", "json").out) == [
        "bandit"
    ]


def test_analyzers_narrow_the_hook_and_an_empty_choice_is_warned_about(repo: GitRepo, cli: Any) -> None:
    _staged(repo, SHELL, "analyzers = ['marker', 'bandit']\n")
    assert _ran(cli(repo.path, "review", "--staged", "--hook", "--format", "json").out) == ["bandit"]
    repo.write(".reviewbot.toml", "analyzers = ['marker']\n")
    r = cli(repo.path, "review", "--staged", "--hook", "--format", "json")
    assert r.code == 0 and _ran(r.out) == []
    assert "reviewbot: warning: the commit hook runs no analyzer: none of marker is a fast one" in r.err


def test_a_change_cannot_pick_a_third_party_hook_analyzer(
    repo: GitRepo, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`hook-analyzers` loads code like `analyzers`: a staged config naming an installed plugin is not used."""
    monkeypatch.setattr(analyzers, "_entry_points", lambda *_: (("plugin", MARKER),))
    _staged(repo, "import ast\n\n\ndef load(text):\n    return eval(text)\n", "analyzers = ['bandit']\n")
    repo.write(".reviewbot.toml", "analyzers = ['bandit']\nhook-analyzers = ['plugin']\n")
    repo.git("add", ".reviewbot.toml")
    r = cli(repo.path, "review", "--staged", "--hook", "--format", "json")
    assert "reviewbot: warning: not using hook-analyzers from .reviewbot.toml" in r.err, r
    assert _ran(r.out) == ["bandit"]
    r = cli(repo.path, "review", "--staged", "--hook", "--format", "json", "--trust-config")
    assert _ran(r.out) == ["marker"]  # the plugin's adapter (the marker analyzer under another name)

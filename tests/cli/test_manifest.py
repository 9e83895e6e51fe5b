"""The hook manifest (.pre-commit-hooks.yaml) and the project's own dogfooding config, checked with pre-commit's
own schema loaders (fast; the real hook runs are in test_precommit.py)."""

from __future__ import annotations

import shlex
from pathlib import Path

from click.testing import CliRunner
from pre_commit.clientlib import load_config, load_manifest

from reviewbot.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_hooks() -> None:
    hooks = {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"reviewbot", "reviewbot-full", "reviewbot-push"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["python"]
        assert hook["pass_filenames"] is False and hook["require_serial"] is True
    assert "--staged" in hooks["reviewbot"]["entry"].split() and "pre-commit" in hooks["reviewbot"]["stages"]
    # the commit hook runs the fast analyzers; reviewbot-full is the same hook with every enabled analyzer
    assert "--hook" in hooks["reviewbot"]["entry"].split()
    full = hooks["reviewbot-full"]
    assert full["entry"].split() == [a for a in hooks["reviewbot"]["entry"].split() if a != "--hook"]
    assert full["stages"] == hooks["reviewbot"]["stages"]
    assert "--pre-push" in hooks["reviewbot-push"]["entry"].split() and "pre-push" in hooks["reviewbot-push"]["stages"]


def test_hook_entries_are_valid_command_lines() -> None:
    hooks = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    local = [h for repo in load_config(str(ROOT / ".pre-commit-config.yaml"))["repos"] for h in repo["hooks"]
             if h["id"].startswith("reviewbot")]
    for hook in [*hooks, *local]:
        argv = shlex.split(hook["entry"])
        assert argv[0] == "reviewbot"
        result = CliRunner().invoke(cli, [*argv[1:], "--help"])
        assert result.exit_code == 0, result.output


def test_dogfood_config_is_offline_friendly() -> None:
    config = load_config(str(ROOT / ".pre-commit-config.yaml"))
    assert all(repo["repo"] == "local" for repo in config["repos"])  # nothing cloned from GitHub
    hooks = {h["id"]: h for h in config["repos"][0]["hooks"]}
    # `system` (pre-commit 4 normalizes it to its new name `unsupported`): the reviewbot on PATH, no venv built
    assert {hooks["reviewbot"]["language"], hooks["reviewbot-push"]["language"]} <= {"system", "unsupported"}

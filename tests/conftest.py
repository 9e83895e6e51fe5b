"""Shared fixtures: real git repositories in temp dirs, and running the CLI."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import GitRepo


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test sees the developer's REVIEWBOT_* settings, git identity or cache."""
    for name in list(os.environ):
        if name.startswith(("REVIEWBOT_", "GIT_", "GITHUB_")) or name in ("NO_COLOR", "FORCE_COLOR"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REVIEWBOT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    yield


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.init()
    return r


def git_state(path: Path) -> tuple[str, str, str]:
    """What must not change when reviewbot runs: status, the index, and the working tree contents."""
    def out(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=path, capture_output=True, text=True, check=True).stdout

    return out("status", "--porcelain=v2", "--untracked-files=all"), out("ls-files", "-s"), out("diff")

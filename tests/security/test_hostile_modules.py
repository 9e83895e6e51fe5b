"""Hostile pull requests, class 1: code of the reviewed change run by a process reviewbot starts.

A change adds modules named like the standard library's (socket.py, json.py, concurrent.py, ...) at the root and
next to a changed file, sitecustomize/usercustomize/conftest modules, a .pth file, rc files with an ``init-hook``
and tool tables in setup.cfg and pyproject.toml; each writes a marker when executed. Every front end reviews it
for real (console script subprocesses, real git, the real analyzers, a test analyzer registered through an entry
point that records what its worker sees) with a GitHub token and LLM keys in its environment, while a watcher
records the environment and working directory of every process reviewbot starts. Nothing may run, no child may
see a secret, and the findings must still be reported.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.github.conftest import REPO
from tests.github.pr_repo import PrRepo
from tests.github.fake_github import FakeGitHub
from tests.helpers import GitRepo
from tests.security.support import (
    BASE_APP,
    EVIL_APP,
    GITHUB_SECRET,
    TOOL,
    ProcessWatch,
    check_children,
    check_markers,
    check_probe,
    config,
    console_script,
    environment,
    plant,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the watcher reads /proc"),
]
IDENTITY = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@e"}


class Setup:
    def __init__(self, tmp: Path) -> None:
        self.markers, self.log = tmp / "markers", tmp / "probe-log"
        self.markers.mkdir()
        self.log.mkdir()
        self.env = environment(tmp)


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return Setup(tmp_path)


def _local_repo(path: Path, setup: Setup) -> GitRepo:
    """Committed: app.py, scripts/tool.py and the config; in the working tree: the hostile change."""
    repo = GitRepo(path).init()
    repo.write("app.py", BASE_APP)
    repo.write("scripts/tool.py", TOOL.replace("eval(argv[1])", "argv[1]"))
    repo.write(".reviewbot.toml", config(setup.log))
    repo.commit("base")
    repo.write("app.py", EVIL_APP)
    repo.write("scripts/tool.py", TOOL)
    plant(repo.path, setup.markers)
    return repo


def _watched(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], ProcessWatch]:
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with ProcessWatch(proc.pid) as watch:
        out, err = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(argv, proc.returncode, out, err), watch


def _checks(setup: Setup, repo: Path, watch: ProcessWatch) -> None:
    check_markers(setup.markers)
    check_probe(setup.log, repo)
    check_children(watch, repo)


def test_review_of_a_hostile_working_tree(setup: Setup, tmp_path: Path) -> None:
    repo = _local_repo(tmp_path / "repo", setup)
    done, watch = _watched([console_script(), "review", "--no-cache", "--format", "short"], repo.path, setup.env)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out  # warnings, fail-on = "warning"
    assert "app.py:2: warning bandit:B307" in out and "scripts/tool.py:5: warning bandit:B307" in out, out
    _checks(setup, repo.path, watch)


def test_pre_commit_hook_on_a_hostile_commit(setup: Setup, tmp_path: Path) -> None:
    """``reviewbot review --staged`` run by git as a pre-commit hook (as .pre-commit-hooks.yaml runs it): git hands
    it GIT_INDEX_FILE and its own GIT_* variables."""
    repo = _local_repo(tmp_path / "repo", setup)
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{console_script()}" review --staged --format short\n', encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    head = repo.git("rev-parse", "HEAD")
    repo.git("add", "-A")
    done, watch = _watched(["git", "commit", "-q", "-m", "hostile"], repo.path, {**setup.env, **IDENTITY})
    out = done.stdout + done.stderr
    assert done.returncode != 0 and repo.git("rev-parse", "HEAD") == head, out  # the hook blocked the commit
    assert "app.py:2: warning bandit:B307" in out and "scripts/tool.py:5: warning bandit:B307" in out, out
    _checks(setup, repo.path, watch)


def test_action_on_a_hostile_pull_request(setup: Setup, tmp_path: Path) -> None:
    work = PrRepo(tmp_path / "work")
    base = work.commit({"app.py": BASE_APP, "scripts/tool.py": TOOL.replace("eval(argv[1])", "argv[1]"),
                        ".reviewbot.toml": config(setup.log)}, "base")
    work.git("checkout", "-q", "-b", "feature")
    plant(work.root, setup.markers)
    head = work.commit({"app.py": EVIL_APP, "scripts/tool.py": TOOL}, "hostile")
    with FakeGitHub(REPO, text_at=work.text_at) as fake:
        fake.add_token(GITHUB_SECRET, "github-actions[bot]")
        fake.add_pull(7, base, head, work.diff(base, head))
        event = tmp_path / "event.json"
        event.write_text(json.dumps({
            "action": "opened", "number": 7, "repository": {"full_name": REPO},
            "pull_request": {"number": 7, "base": {"sha": base, "ref": "main", "repo": {"full_name": REPO}},
                             "head": {"sha": head, "ref": "feature", "repo": {"full_name": REPO}}},
        }), encoding="utf-8")
        env = {**setup.env, "GITHUB_EVENT_PATH": str(event), "GITHUB_EVENT_NAME": "pull_request",
               "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": fake.api_url, "GITHUB_WORKSPACE": str(work.root),
               "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "output"),
               "REVIEWBOT_WRITE_INTERVAL": "0"}
        done, watch = _watched([console_script(), "action"], work.root, env)
        posted = [(c["path"], c["line"]) for c in fake.comments_of(7) if "B307" in c["body"]]
    assert done.returncode == 1, done.stdout + done.stderr  # fail-on = "warning" from the base commit
    assert ("app.py", 2) in posted and ("scripts/tool.py", 5) in posted, (posted, done.stdout, done.stderr)
    _checks(setup, work.root, watch)


def test_the_watcher_sees_what_a_child_inherits(tmp_path: Path) -> None:
    """The checks can fail: a child that inherits the environment and runs in the repository is caught."""
    env = {**os.environ, "GITHUB_TOKEN": GITHUB_SECRET}
    code = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'import time; time.sleep(0.5)'])"
    done, watch = _watched([sys.executable, "-c", code], tmp_path, env)
    assert done.returncode == 0
    [child] = [p for p in watch.seen.values() if not p.get("root") and "time.sleep(0.5)" in " ".join(p["cmdline"])]
    assert child["env"].get("GITHUB_TOKEN") == GITHUB_SECRET and child["cwd"] == str(tmp_path)

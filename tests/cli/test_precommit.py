"""The pre-commit hooks of .pre-commit-hooks.yaml, with the real `pre-commit` package, in temp git repos.

A snapshot of this checkout (tracked and untracked, not ignored files, committed in a temp repo) is the hook
repository, so the test sees uncommitted work too. pre-commit builds the hook's virtualenv (pip installs reviewbot
and its dependencies): ~45 s, once for `try-repo` (which always uses a throwaway store) and once for the shared
store of the installed hooks. Findings come from bandit (`--analyzers bandit`); while bandit is not registered the
tests that need a finding are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewbot import analyzers

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
HAS_BANDIT = "bandit" in analyzers.available()
needs_bandit = pytest.mark.skipif(not HAS_BANDIT, reason="bandit analyzer not registered in reviewbot.analyzers")
# The user's config picks the analyzers (pre-commit try-repo cannot pass hook args): bandit only, for speed.
CONFIG = 'analyzers = ["bandit"]\n' if HAS_BANDIT else "analyzers = []\n"
BASE = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd.split())\n"
FLAGGED = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
CLEAN = BASE + "\n\ndef version():\n    return '1.0'\n"


def _env(home: Path, pip_cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "VIRTUAL_ENV"))}
    env.update(
        PRE_COMMIT_HOME=str(home), PIP_CACHE_DIR=str(pip_cache), PRE_COMMIT_COLOR="never", NO_COLOR="1",
        GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="T",
        GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def snapshot(dest: Path, env: dict[str, str]) -> str:
    """Copy this checkout's tracked and untracked (not ignored) files into a new repo at ``dest``; its commit."""
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT, env)
    assert listed.returncode == 0, listed.stderr
    for rel in filter(None, listed.stdout.split("\0")):
        src = ROOT / rel
        if src.is_symlink():  # reviewbot/{analyzers,prompts,rules}: links stay links, as a git clone has them
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).symlink_to(os.readlink(src))
        elif src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        proc = _run(["git", *args], dest, env)
        assert proc.returncode == 0, proc.stderr
    return _run(["git", "rev-parse", "HEAD"], dest, env).stdout.strip()


class Setup:
    def __init__(self, root: Path) -> None:
        self.pip_cache = root / "pip-cache"
        self.home = root / "pre-commit-home"
        self.env = _env(self.home, self.pip_cache)
        self.hooks = root / "hook-repo"
        self.hooks.mkdir()
        self.rev = snapshot(self.hooks, self.env)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    return Setup(tmp_path_factory.mktemp("precommit"))


class UserRepo:
    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path, self.env = path, env

    def git(self, *args: str) -> subprocess.CompletedProcess[str]:
        return _run(["git", *args], self.path, self.env)

    def write(self, rel: str, text: str) -> None:
        (self.path / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.path / rel).write_text(text)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").stdout.strip()


def _user_repo(path: Path, setup: Setup, config: str | None = CONFIG) -> UserRepo:
    path.mkdir()
    repo = UserRepo(path, setup.env)
    repo.git("init", "-q", "-b", "main")
    repo.write("app.py", BASE)
    repo.write("README.md", "demo\n")
    if config is not None:
        repo.write(".reviewbot.toml", config)
    repo.git("add", "-A")
    assert repo.git("commit", "-q", "-m", "base").returncode == 0
    return repo


@pytest.fixture
def installed(setup: Setup, tmp_path: Path) -> Iterator[UserRepo]:
    """A user repo with both hooks installed from the snapshot (the shared store: the venv is built once)."""
    repo = _user_repo(tmp_path / "user", setup)
    repo.write(
        ".pre-commit-config.yaml",
        f"repos:\n  - repo: {setup.hooks}\n    rev: {setup.rev}\n    hooks:\n"
        "      - id: reviewbot\n      - id: reviewbot-push\n",
    )
    repo.git("add", ".pre-commit-config.yaml")
    assert repo.git("commit", "-q", "-m", "config", "--no-verify").returncode == 0
    proc = _run([*PRE_COMMIT, "install", "-t", "pre-commit", "-t", "pre-push"], repo.path, setup.env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = _run([*PRE_COMMIT, "install-hooks"], repo.path, setup.env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    yield repo


def _output(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout + proc.stderr


@needs_bandit
def test_try_repo_blocks_a_flagged_change(setup: Setup, tmp_path: Path) -> None:
    repo = _user_repo(tmp_path / "user", setup)
    repo.write("app.py", FLAGGED)
    repo.git("add", "app.py")
    proc = _run([*PRE_COMMIT, "try-repo", str(setup.hooks), "reviewbot", "--ref", setup.rev], repo.path, setup.env)
    out = _output(proc)
    assert proc.returncode == 1, out
    assert "reviewbot" in out and "Failed" in out
    assert "app.py:5: error bandit:B602" in out  # short, pointing at file:line


def test_try_repo_runs_the_hook_on_a_clean_change(setup: Setup, tmp_path: Path) -> None:
    if HAS_BANDIT:
        pytest.skip("covered by the flagged try-repo test (each try-repo builds its own venv: ~45 s)")
    repo = _user_repo(tmp_path / "user", setup)
    repo.write("app.py", CLEAN)
    repo.git("add", "app.py")
    proc = _run([*PRE_COMMIT, "try-repo", str(setup.hooks), "reviewbot", "--ref", setup.rev, "--verbose"],
                repo.path, setup.env)
    assert proc.returncode == 0, _output(proc)
    assert "Passed" in _output(proc)


@needs_bandit
def test_commit_with_a_flagged_change_is_blocked(installed: UserRepo) -> None:
    head = installed.head()
    installed.write("app.py", FLAGGED)
    installed.git("add", "app.py")
    proc = installed.git("commit", "-m", "shell")
    out = _output(proc)
    assert proc.returncode != 0 and installed.head() == head, out
    assert "app.py:5: error bandit:B602" in out
    assert "reviewbot: 1 comment (1 error)" in out
    # `git commit -a` stages into a temporary index (GIT_INDEX_FILE); the hook must review that one
    installed.git("reset", "-q")
    proc = installed.git("commit", "-a", "-m", "shell")
    assert proc.returncode != 0 and installed.head() == head, _output(proc)
    # and a suppression lets it through, noted in the output
    installed.write("app.py", FLAGGED.replace("shell=True)", "shell=True)  # reviewbot: ignore[B602]"))
    installed.git("add", "app.py")
    proc = installed.git("commit", "-m", "reviewed")
    assert proc.returncode == 0, _output(proc)


def test_clean_commit_passes(installed: UserRepo) -> None:
    head = installed.head()
    installed.write("app.py", CLEAN)
    installed.git("add", "app.py")
    proc = installed.git("commit", "-m", "clean")
    out = _output(proc)
    assert proc.returncode == 0, out
    assert installed.head() != head
    assert "reviewbot" in out and "Passed" in out


def test_commit_without_python_skips_the_hook(installed: UserRepo) -> None:
    installed.write("README.md", "more docs\n")
    installed.git("add", "README.md")
    proc = installed.git("commit", "-m", "docs")
    out = _output(proc)
    assert proc.returncode == 0, out
    [line] = [ln for ln in out.splitlines() if ln.startswith("reviewbot")]
    assert line.endswith("Skipped") and "(no files to check)" in line


def test_unstaged_changes_are_not_reviewed(installed: UserRepo) -> None:
    """pre-commit stashes unstaged edits; the review is of the index either way."""
    installed.write("app.py", CLEAN)
    installed.git("add", "app.py")
    installed.write("app.py", FLAGGED)  # not staged
    proc = installed.git("commit", "-m", "clean part")
    assert proc.returncode == 0, _output(proc)
    assert (installed.path / "app.py").read_text() == FLAGGED  # pre-commit restored the unstaged edit


@needs_bandit
def test_pre_push_blocks_pushing_a_flagged_commit(installed: UserRepo, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    assert _run(["git", "init", "-q", "--bare", str(remote)], tmp_path, installed.env).returncode == 0
    installed.git("remote", "add", "origin", str(remote))
    proc = installed.git("push", "-q", "origin", "main")
    assert proc.returncode == 0, _output(proc)  # the existing history is clean
    installed.write("app.py", FLAGGED)
    installed.git("add", "app.py")
    assert installed.git("commit", "-q", "--no-verify", "-m", "shell").returncode == 0
    installed.write("README.md", "unrelated\n")
    installed.git("add", "README.md")
    assert installed.git("commit", "-q", "--no-verify", "-m", "docs").returncode == 0
    proc = installed.git("push", "origin", "main")
    out = _output(proc)
    assert proc.returncode != 0, out
    assert "reviewbot (commits being pushed)" in out and "app.py:5: error bandit:B602" in out
    installed.write("app.py", CLEAN)
    installed.git("add", "app.py")
    assert installed.git("commit", "-q", "--no-verify", "-m", "fix").returncode == 0
    proc = installed.git("push", "origin", "main")
    assert proc.returncode == 0, _output(proc)


@needs_bandit
def test_the_default_hook_is_the_fast_one_and_the_full_set_is_one_line_away(setup: Setup, tmp_path: Path) -> None:
    """No reviewbot config: `id: reviewbot` runs the fast analyzers and blocks a flagged change; changing that line
    to `id: reviewbot-full` runs every analyzer. (`args` only sends the report to a file, as JSON, to see what ran.)"""
    repo = _user_repo(tmp_path / "user", setup, config=None)
    head = repo.head()
    ran = {}
    for hook_id in ("reviewbot", "reviewbot-full"):
        repo.write(".pre-commit-config.yaml", f"repos:\n  - repo: {setup.hooks}\n    rev: {setup.rev}\n    hooks:\n"
                   f"      - id: {hook_id}\n        args: [--format, json, --output, .git/review.json]\n")
        repo.git("add", ".pre-commit-config.yaml")
        assert repo.git("commit", "-q", "--no-verify", "-m", hook_id).returncode == 0
        head = repo.head()
        for args in (["install"], ["install-hooks"]):
            proc = _run([*PRE_COMMIT, *args], repo.path, setup.env)
            assert proc.returncode == 0, _output(proc)
        repo.write("app.py", FLAGGED)
        repo.git("add", "app.py")
        proc = repo.git("commit", "-m", "shell")
        assert proc.returncode != 0 and repo.head() == head, _output(proc)
        doc = json.loads((repo.path / ".git" / "review.json").read_text())
        assert [c["origin"] for c in doc["comments"] if c["severity"] == "error"] == ["bandit:B602"]
        ran[hook_id] = [(a["name"], a["status"]) for a in doc["summary"]["analyzers"]]
        repo.git("checkout", "-q", "HEAD", "--", "app.py")
    assert ran["reviewbot"] == [("facts", "ok"), ("bandit", "ok")]
    assert ran["reviewbot-full"] == [(name, "ok") for name in analyzers.DEFAULT_ENABLED]

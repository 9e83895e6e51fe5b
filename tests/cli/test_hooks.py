"""`review --staged` inside real git hooks (the index git hands to the hook), and `review --pre-push`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reviewbot.sources import StagedSource, hook_index_file
from tests.helpers import GitRepo

ROOT = Path(__file__).resolve().parents[2]
CLEAN = "import ast\n\n\ndef load(text):\n    return ast.literal_eval(text)\n"
EVAL = "import ast\n\n\ndef load(text):\n    return eval(text)\n"


def test_hook_index_file_is_made_absolute(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert hook_index_file(tmp_path, {}) is None
    assert hook_index_file(tmp_path, {"GIT_INDEX_FILE": ".git/index"}) == str((tmp_path / ".git/index").resolve())
    assert hook_index_file(tmp_path, {"GIT_INDEX_FILE": "/x/index.lock"}) == "/x/index.lock"


def test_staged_review_reads_the_index_named_by_git_index_file(repo, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", CLEAN)
    repo.commit()
    repo.write("app.py", EVAL)
    other = repo.path / ".git" / "other-index"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", "read-tree", "HEAD"], cwd=repo.path, env={**env, "GIT_INDEX_FILE": str(other)}, check=True)
    subprocess.run(["git", "add", "app.py"], cwd=repo.path, env={**env, "GIT_INDEX_FILE": str(other)}, check=True)
    assert StagedSource(repo.path).patch().files == ()  # the repository's own index has nothing staged
    assert [f.path for f in StagedSource(repo.path, index_file=str(other)).patch().files] == ["app.py"]
    monkeypatch.setenv("GIT_INDEX_FILE", str(other))
    r = cli(repo.path, "review", "--staged", "--analyzers", "marker", "--format", "json")
    assert r.code == 1 and json.loads(r.out)["comments"][0]["origin"] == "marker:no-eval"


def _install_hook(repo: GitRepo, log: Path) -> None:
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        f'PYTHONPATH="{ROOT}" "{sys.executable}" -m tests.cli.marker_main review --staged --analyzers marker '
        f'--format short >>"{log}" 2>&1\n'
    )
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)


def _commit(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="T", GIT_COMMITTER_EMAIL="t@e")
    return subprocess.run(["git", "commit", "-q", *args], cwd=repo.path, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("how", ["add-then-commit", "commit-a", "commit-path"])
def test_a_flagged_commit_is_blocked_whichever_index_git_uses(repo, tmp_path, how) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", CLEAN)
    repo.write("other.py", "x = 1\n")
    repo.commit()
    log = tmp_path / "hook.log"
    _install_hook(repo, log)
    head = repo.git("rev-parse", "HEAD")
    repo.write("app.py", EVAL)
    if how == "add-then-commit":
        repo.git("add", "app.py")
        proc = _commit(repo, "-m", "eval")
    elif how == "commit-a":  # git stages into .git/index.lock and runs the hook on that
        proc = _commit(repo, "-a", "-m", "eval")
    else:  # `git commit PATH`: a temporary .git/next-index-*.lock
        repo.write("other.py", "x = 2\n")
        repo.git("add", "other.py")
        proc = _commit(repo, "-m", "eval", "app.py")
    assert proc.returncode != 0, log.read_text()
    assert repo.git("rev-parse", "HEAD") == head
    assert "app.py:5: error marker:no-eval" in log.read_text()
    # the same kind of commit with a clean change passes
    repo.write("app.py", CLEAN + "\n\nVALUE = 1\n")
    if how == "add-then-commit":
        repo.git("add", "app.py")
        proc = _commit(repo, "-m", "clean")
    elif how == "commit-a":
        proc = _commit(repo, "-a", "-m", "clean")
    else:
        proc = _commit(repo, "-m", "clean", "app.py")
    assert proc.returncode == 0, log.read_text()


def test_pre_push_reviews_the_pushed_range(repo, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", CLEAN)
    base = repo.commit("base")
    repo.write("app.py", EVAL)
    head = repo.commit("eval")
    repo.write("app.py", CLEAN)  # the working tree is not what is pushed
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
    r = cli(repo.path, "review", "--pre-push", "--analyzers", "marker", "--format", "short")
    assert r.code == 1 and r.out.startswith("app.py:5: error marker:no-eval"), r
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", head)
    assert cli(repo.path, "review", "--pre-push", "--analyzers", "marker").code == 0


def test_pre_push_without_a_range(repo, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", EVAL)
    repo.commit()
    r = cli(repo.path, "review", "--pre-push")
    assert r.code == 2 and "PRE_COMMIT_FROM_REF" in r.err
    assert cli(repo.path, "review", "--pre-push", "--staged").code == 2
    monkeypatch.setenv("PRE_COMMIT", "1")  # pre-commit pushing a new root history: every file is pushed
    r = cli(repo.path, "review", "--pre-push", "--analyzers", "marker", "--format", "json")
    assert r.code == 1 and json.loads(r.out)["source"] == "all files"

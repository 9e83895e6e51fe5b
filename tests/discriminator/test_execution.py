"""Step 5 (optional): the trusted test command runs with each fix applied, in a scratch copy of the tree."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reviewbot.contracts import ReviewInput
from reviewbot.discriminator.core import Discriminator
from reviewbot.discriminator.execution import command_env, make_tree, run_command
from tests.conftest import git_state
from tests.discriminator.conftest import llm, options, review_input, source_file
from tests.helpers import GitRepo

CALC = '''def describe(value):
    if value == None:
        return "nothing"
    return str(value)
'''

CHECK = '''import os, sys
sys.path.insert(0, os.getcwd())
import calc
with open(os.environ["CHECK_LOG"], "a") as log:
    log.write(f"cwd={os.getcwd()} token={'MY_API_TOKEN' in os.environ}\\n")
assert calc.describe(None) == "nothing"
assert calc.describe(3) == "3"
'''


@pytest.fixture
def project(repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[GitRepo, Path]:
    repo.write("calc.py", CALC)
    repo.write("check.py", CHECK)
    repo.commit()
    log = tmp_path / "check.log"
    monkeypatch.setenv("CHECK_LOG", str(log))
    monkeypatch.setenv("MY_API_TOKEN", "s3cret")
    return repo, log


def inp_for(repo: GitRepo) -> ReviewInput:
    base = review_input([source_file("calc.py", CALC)])
    return ReviewInput(base.patch, base.files, base.evidence, base.workdir, repo.path, None)


def test_pass_and_fail_in_a_scratch_copy(project: tuple[GitRepo, Path]) -> None:
    repo, log = project
    state = git_state(repo.path)
    good = llm("calc.py", 2, "    if value is None:\n", sample=0)
    wrong = llm("calc.py", 2, "    if value is not None:\n", sample=1)
    opts = options(**{"test-command": [sys.executable, "check.py"], "test-timeout": 60})
    comments, notes = Discriminator(options=opts).judge([good, wrong], inp_for(repo))
    assert comments[0].verdict and comments[0].verdict.tests_passed is True
    assert comments[0].verdict.steps["tests"].startswith("passed in")
    assert comments[1].verdict and comments[1].verdict.tests_passed is False
    assert comments[1].suggestion is None and comments[1].verdict.steps["suggestion"] == "withheld: tests fail"
    assert comments[0].verdict.fix_score is not None and comments[1].verdict.fix_score is not None
    assert comments[0].verdict.fix_score > comments[1].verdict.fix_score
    runs = log.read_text().splitlines()
    assert len(runs) == 3  # once without any fix, then once per fix
    assert all(f"cwd={repo.path}" not in r for r in runs)
    assert all("token=False" in r for r in runs)  # secrets are not passed on
    assert git_state(repo.path) == state and (repo.path / "calc.py").read_text() == CALC
    assert notes == ["1 suggested fix withheld (tests fail: 1)"]


def test_off_unless_configured(project: tuple[GitRepo, Path]) -> None:
    repo, log = project
    comments, _ = Discriminator().judge([llm("calc.py", 2, "    if value is None:\n")], inp_for(repo))
    assert comments[0].verdict and comments[0].verdict.steps["tests"] == "not configured (test-command)"
    assert comments[0].verdict.tests_passed is None and not log.exists()


def test_inconclusive_when_the_tests_fail_without_any_fix(project: tuple[GitRepo, Path]) -> None:
    repo, _ = project
    opts = options(**{"test-command": [sys.executable, "-c", "raise SystemExit(1)"]})
    comments, notes = Discriminator(options=opts).judge([llm("calc.py", 2, "    if value is None:\n")], inp_for(repo))
    assert comments[0].verdict and comments[0].verdict.tests_passed is None
    assert comments[0].verdict.steps["tests"].startswith("skipped: inconclusive: the tests failed (exit 1)")
    assert comments[0].suggestion is not None
    assert any(n.startswith("execution check skipped") for n in notes)


def test_timeout_kills_the_command(tmp_path: Path) -> None:
    result = run_command([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path, 0.5)
    assert result.passed is None and result.summary == "timed out after 0.5 s"


def test_tree_from_a_revision_and_from_the_working_tree(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("a.py", "A = 1\n")
    repo.write(".gitignore", "ignored.txt\n")
    rev = repo.commit()
    repo.write("a.py", "A = 2\n")
    repo.write("new.py", "N = 1\n")
    repo.write("ignored.txt", "x")
    at_rev = tmp_path / "rev"
    at_rev.mkdir()
    assert make_tree(repo.path, rev, [], at_rev) == f"git archive {rev}"
    assert (at_rev / "a.py").read_text() == "A = 1\n" and not (at_rev / "new.py").exists()
    work = tmp_path / "work"
    work.mkdir()
    assert make_tree(repo.path, None, [source_file("a.py", "A = 3\n")], work) == "copy of the working tree"
    assert (work / "a.py").read_text() == "A = 3\n"  # the reviewed post-image wins
    assert (work / "new.py").exists() and not (work / "ignored.txt").exists() and not (work / ".git").exists()
    assert make_tree(None, None, [], tmp_path / "none") == ""


def test_secrets_are_dropped_from_the_environment() -> None:
    env = command_env({"PATH": "/bin", "GITHUB_TOKEN": "x", "OPENAI_API_KEY": "y", "DB_PASSWORD": "z",
                       "REVIEWBOT_LLM_KEY": "k", "GIT_DIR": "/x", "HOME": "/h"})
    assert env == {"PATH": "/bin", "HOME": "/h"}


def test_the_llm_key_never_reaches_the_tests_whatever_its_name(project: tuple[GitRepo, Path],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    repo, log = project
    repo.write("check.py", CHECK.replace("token={'MY_API_TOKEN' in os.environ}",
                                         "llm={'MODEL_ACCESS' in os.environ} copy={'COPY' in os.environ}"))
    repo.commit()
    monkeypatch.setenv("MODEL_ACCESS", "sk-fake-model-key-0123")  # a name that does not look like a secret
    monkeypatch.setenv("COPY", "sk-fake-model-key-0123")
    opts = options(**{"test-command": [sys.executable, "check.py"], "test-timeout": 60,
                      "llm": {"provider": "openai", "api-key-env": "MODEL_ACCESS"}})
    comments, _ = Discriminator(options=opts).judge([llm("calc.py", 2, "    if value is None:\n")], inp_for(repo))
    assert comments[0].verdict and comments[0].verdict.tests_passed is True
    runs = log.read_text().splitlines()
    assert runs and all("llm=False copy=False" in r for r in runs)

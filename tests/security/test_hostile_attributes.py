"""Hostile pull requests (issue classes 2 and 7): the reviewed tree cannot reclassify its own files, and a patch for
another tree is a usage error.

Every tree here carries the attack in its own ``.gitattributes`` (plus, where the attribute needs one, the driver in the
repository's ``.git/config``), and also declares its one real binary file (``blob.py``, NUL bytes) as text: the Python
change must be reviewed as if there were no attributes, and the binary file skipped as binary, in every source.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from reviewbot.cli import main
from reviewbot.github.markers import is_summary
from reviewbot.sources import RangeSource, Source, StagedSource, WorktreeSource
from tests.github.conftest import ActionEnv
from tests.github.pr_repo import PrRepo
from tests.github.fake_github import FakeGitHub
from tests.helpers import GitRepo

BASE_APP = "import json\n\n\ndef load(text):\n    return json.loads(text)\n"
HEAD_APP = "import json\n\n\ndef load(text):\n    return eval(text)\n"  # bandit B307 on line 5
BLOB_BASE = b"\x00\x01\x02\x03 packed data\n"
BLOB_HEAD = b"\x00\x01\x02\x03 packed data, version 2\n"
DECLARE_BLOB_TEXT = "blob.py diff\n"  # the other direction: a file with NUL bytes declared text

# name -> (the tree's .gitattributes, the repository config the attribute puts to work)
ATTACKS: dict[str, tuple[str, dict[str, str]]] = {
    "binary": ("*.py binary\n", {}),
    "-diff": ("*.py -diff\n", {}),
    # a driver that would blank the text (textconv) and mark it binary
    "diff-driver": ("*.py diff=x\n", {"diff.x.textconv": "true", "diff.x.binary": "true"}),
    # a clean filter that empties every file it is given
    "filter": ("*.py filter=x\n", {"filter.x.clean": "true", "filter.x.required": "true"}),
    "-text": ("* -text\n", {}),
}
MODES = ("worktree", "staged", "range", "all-files")


def _build(repo: GitRepo, mode: str, attack: str | None) -> tuple[str, ...]:
    """``repo`` as ``mode`` reviews it, the attack in its tree (None: no attributes); the CLI arguments for it."""
    attributes, config = ATTACKS[attack] if attack else ("", {})
    if attack:
        attributes += DECLARE_BLOB_TEXT
    if mode == "range":
        repo.write("app.py", BASE_APP)
        repo.write("blob.py", BLOB_BASE)
        base = repo.commit("base")
        if attributes:
            repo.write(".gitattributes", attributes)
        repo.write("app.py", HEAD_APP)
        repo.write("blob.py", BLOB_HEAD)
        repo.commit("the pull request")
        args: tuple[str, ...] = ("--base", base, "--head", "HEAD")
    elif mode == "all-files":
        if attributes:
            repo.write(".gitattributes", attributes)
        repo.write("app.py", HEAD_APP)
        repo.write("blob.py", BLOB_HEAD)
        repo.commit("the tree")
        args = ("--all-files",)
    else:
        if attributes:
            repo.write(".gitattributes", attributes)
        repo.write("app.py", BASE_APP)
        repo.write("blob.py", BLOB_BASE)
        repo.commit("base")
        repo.write("app.py", HEAD_APP)
        repo.write("blob.py", BLOB_HEAD)
        if mode == "staged":
            repo.git("add", "app.py", "blob.py")
        args = ("--staged",) if mode == "staged" else ()
    for key, value in config.items():  # after the commits and `git add`: they never ran the driver
        repo.git("config", key, value)
    return args


def _review(cli: Any, repo: GitRepo, *args: str) -> dict[str, Any]:
    result = cli(repo.path, "review", "--analyzers", "bandit", "--format", "json", "--fail-on", "none", *args)
    assert result.code == 0, result
    return json.loads(result.out)  # type: ignore[no-any-return]


def _assert_judged_by_content(doc: dict[str, Any]) -> None:
    skipped = {f["path"]: f["reason"] for f in doc["summary"]["files_skipped"]}
    assert "app.py" not in skipped
    assert "app.py" in doc["summary"]["files_reviewed"]
    assert [(c["path"], c["line"], c["origin"]) for c in doc["comments"]] == [("app.py", 5, "bandit:B307")]
    assert skipped.get("blob.py") == "binary"


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("mode", MODES)
def test_the_trees_attributes_do_not_decide_what_is_reviewed(cli: Any, repo: GitRepo, mode: str,
                                                              attack: str) -> None:
    args = _build(repo, mode, attack)
    _assert_judged_by_content(_review(cli, repo, *args))


def _source(mode: str, root: Path, args: tuple[str, ...]) -> Source:
    if mode == "range":
        return RangeSource(root, args[1], "HEAD")
    return StagedSource(root) if mode == "staged" else WorktreeSource(root)


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("mode", ("worktree", "staged", "range"))
def test_the_hunks_are_those_without_the_attributes(tmp_path: Path, mode: str, attack: str) -> None:
    def diffed(name: str, with_attack: str | None) -> dict[str, Any]:
        repo = GitRepo(tmp_path / name).init()
        source = _source(mode, repo.path, _build(repo, mode, with_attack))
        return {f.path: (f.status, f.binary, f.hunks) for f in source.patch().files if f.path != ".gitattributes"}

    control = diffed("plain", None)
    assert control["blob.py"][1] and not control["app.py"][1] and control["app.py"][2]  # git's own rule
    assert diffed("hostile", attack) == control


def test_the_hooks_own_index_is_judged_by_content(cli: Any, repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """`git commit -a` stages into a temporary index and hands it to the pre-commit hook as GIT_INDEX_FILE."""
    _build(repo, "worktree", "binary")
    index = repo.path / ".git" / "next-index-4242.lock"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | {"GIT_INDEX_FILE": str(index)}
    for args in (["read-tree", "HEAD"], ["add", "app.py", "blob.py"]):
        subprocess.run(["git", *args], cwd=repo.path, env=env, check=True, capture_output=True)
    assert repo.git("diff", "--cached", "--name-only") == ""  # the repository's own index has nothing staged
    monkeypatch.setenv("GIT_INDEX_FILE", str(index))
    _assert_judged_by_content(_review(cli, repo, "--staged"))


def test_an_eol_conversion_does_not_hide_the_change(cli: Any, repo: GitRepo) -> None:
    """``eol=crlf`` checks files out with CRLF and makes git diff them as LF: the diff no longer matches the file."""
    repo.write(".gitattributes", "*.py text eol=crlf\n")
    repo.write("app.py", BASE_APP)
    repo.commit("base")
    repo.write("app.py", HEAD_APP.replace("\n", "\r\n"))
    doc = _review(cli, repo)
    assert "app.py" not in {f["path"] for f in doc["summary"]["files_skipped"]}
    assert [(c["path"], c["line"], c["origin"]) for c in doc["comments"]] == [("app.py", 5, "bandit:B307")]


# -- the Action ----------------------------------------------------------------------------------------------------

def _hostile_pr(pr_repo: PrRepo, fake: FakeGitHub) -> tuple[str, str]:
    base = pr_repo.commit({"app.py": BASE_APP, "blob.py": BLOB_BASE.decode(),
                           "pyproject.toml": '[tool.reviewbot]\nfail-on = "none"\n'}, "base")
    pr_repo.git("checkout", "-q", "-b", "feature")
    head = pr_repo.commit({"app.py": HEAD_APP, "blob.py": BLOB_HEAD.decode(),
                           ".gitattributes": "*.py binary\n" + DECLARE_BLOB_TEXT}, "quiet, please")
    # the fake, like GitHub, builds the PR's diff with the tree's attributes: app.py comes without a patch
    fake.add_pull(7, base, head, pr_repo.diff(base, head))
    return base, head


def _assert_action_reviewed(fake: FakeGitHub, action_env: ActionEnv) -> str:
    """The finding is reported; GitHub itself shows app.py as binary (its diff follows the PR's attributes), so it
    takes no inline comment there and the finding goes to the summary comment, saying why."""
    [summary] = [c for c in fake.issue_comments_of(7) if is_summary(c["body"])]
    body = str(summary["body"])
    assert "`app.py:5` — error (fakecheck:B307)" in body and "must be part of the diff" in body
    report = action_env.summary.read_text(encoding="utf-8")
    assert "`app.py:5` — error (fakecheck:B307)" in report and "1 Python file(s) reviewed" in report
    assert "`blob.py`: binary" in report and "`app.py`:" not in report
    return body


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_action_reviews_the_python_a_pr_marks_binary(action_env: ActionEnv, pr_repo: PrRepo,
                                                      fake: FakeGitHub) -> None:
    base, head = _hostile_pr(pr_repo, fake)
    action_env.set(number=7, base=base, head=head)
    assert main(["action"]) == 0
    _assert_action_reviewed(fake, action_env)


@pytest.mark.usefixtures("fake_analyzer", "sleeps")
def test_action_api_diff_judges_files_without_a_patch_by_content(action_env: ActionEnv, pr_repo: PrRepo,
                                                                  fake: FakeGitHub, tmp_path: Path) -> None:
    base, head = _hostile_pr(pr_repo, fake)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{pr_repo.root}",
                    str(shallow)], check=True, capture_output=True)
    action_env.set(number=7, base=base, head=head, workspace=shallow)
    assert main(["action"]) == 0
    body = _assert_action_reviewed(fake, action_env)
    assert "diff comes from the API" in body and "not reviewed" not in body
    assert any("/contents/app.py" in path for _, path, _ in fake.log)  # the base version, through the API


# -- class 7: --patch for another tree ------------------------------------------------------------------------------

FOREIGN_PATCH = """\
diff --git a/a.py b/a.py
new file mode 100644
--- /dev/null
+++ b/a.py
@@ -0,0 +1 @@
+a = eval("1")
diff --git a/pkg/b.py b/pkg/b.py
--- a/pkg/b.py
+++ b/pkg/b.py
@@ -1 +1 @@
-b = 1
+b = eval("2")
diff --git a/c.py b/c.py
--- a/c.py
+++ b/c.py
@@ -1 +1,2 @@
 c = 1
+d = eval(input())
diff --git a/app.py b/app.py
deleted file mode 100644
--- a/app.py
+++ /dev/null
@@ -1 +0,0 @@
-x = 1
"""


def test_a_patch_none_of_whose_files_is_in_the_tree_is_a_usage_error(cli: Any, repo: GitRepo,
                                                                      tmp_path: Path) -> None:
    repo.write("app.py", BASE_APP)
    repo.commit("base")
    patch = tmp_path / "change.diff"
    patch.write_text(FOREIGN_PATCH, encoding="utf-8")
    result = cli(repo.path, "review", "--patch", str(patch))
    assert result.code == 2 and result.out == ""
    assert result.err.splitlines() == [
        (f"reviewbot: error: {patch}: none of the 3 files it changes exists under {repo.path} "
         "(apply the patch first, or run from the repository it belongs to)")
    ]
    # one file of it present: that one is reviewed, the others are listed as missing (as before)
    repo.write("c.py", 'c = 1\nd = eval(input())\n')
    doc = _review(cli, repo, "--patch", str(patch))
    assert [(c["path"], c["line"]) for c in doc["comments"]] == [("c.py", 2)]
    skipped = {f["path"]: f["reason"] for f in doc["summary"]["files_skipped"]}
    assert skipped == {"a.py": "missing from the working tree", "pkg/b.py": "missing from the working tree",
                       "app.py": "deleted"}

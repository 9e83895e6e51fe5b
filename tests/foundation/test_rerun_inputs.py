"""The replay cache's view of its inputs (reviewbot/rerun_inputs.py): the working tree's state changes with every
edit git would review, from wherever reviewbot runs; the record of reads keeps what was read, not what was written."""

from __future__ import annotations

from pathlib import Path

from reviewbot import rerun_inputs
from tests.helpers import GitRepo


def test_the_tree_state_follows_edits_that_git_status_reports_alike(repo: GitRepo) -> None:
    repo.write("pkg/mod.py", "A = 1\n")
    repo.commit("base")
    sub = repo.path / "pkg"
    clean = rerun_inputs.worktree_state(sub, None)
    repo.write("pkg/mod.py", "A = 2\n")
    first = rerun_inputs.worktree_state(sub, None)
    repo.write("pkg/mod.py", "A = 3\n")  # still " M pkg/mod.py"
    second = rerun_inputs.worktree_state(sub, None)
    repo.write("pkg/new.py", "B = 1\n")  # untracked
    third = rerun_inputs.worktree_state(sub, None)
    assert len({repr(s) for s in (clean, first, second, third)}) == 4
    assert rerun_inputs.worktree_state(sub, None) == third
    repo.git("add", "pkg/new.py")  # staged: the index changes, the files do not
    assert rerun_inputs.worktree_state(sub, None) != third


def test_no_state_outside_a_repository(tmp_path: Path) -> None:
    assert rerun_inputs.worktree_state(tmp_path, None) is None
    assert rerun_inputs.commits(tmp_path, ["HEAD"]) is None


def test_the_record_keeps_reads_not_writes(tmp_path: Path) -> None:
    read, written, listed = tmp_path / "read.txt", tmp_path / "written.txt", tmp_path / "dir"
    read.write_text("x", encoding="utf-8")
    listed.mkdir()
    with rerun_inputs.Reads(ignored=[]) as reads:
        read.read_text(encoding="utf-8")
        written.write_text("y", encoding="utf-8")
        list(listed.iterdir())
    read.read_text(encoding="utf-8")  # after the recording: not kept
    manifest = reads.manifest()
    assert [(k, Path(p).name) for k, p, _ in manifest] == [("file", "read.txt"), ("dir", "dir")]
    assert rerun_inputs.unchanged(manifest)
    (listed / "new").write_text("", encoding="utf-8")
    assert not rerun_inputs.unchanged(manifest)
    assert not rerun_inputs.unchanged([["file", str(read), "0" * 64]])
    assert not rerun_inputs.unchanged("not a manifest")


def test_what_the_review_writes_is_not_part_of_the_tree_state(repo: GitRepo) -> None:
    repo.write("mod.py", "A = 1\n")
    repo.commit("base")
    cache = repo.path / "cache"
    report = repo.path / "report.json"
    before = rerun_inputs.worktree_state(repo.path, None, skip=(cache, report))
    repo.write("cache/reviews/v1/ab/abc.json", "{}")
    repo.write("report.json", "{}")
    assert rerun_inputs.worktree_state(repo.path, None, skip=(cache, report)) == before
    assert rerun_inputs.worktree_state(repo.path, None) != before
    repo.write("mod.py", "A = 2\n")
    assert rerun_inputs.worktree_state(repo.path, None, skip=(cache, report)) != before


def test_the_commits_of_a_range(repo: GitRepo) -> None:
    first = repo.commit("one")
    second = repo.commit("two")
    assert rerun_inputs.commits(repo.path, ["HEAD~1", "HEAD"]) == [first, second]
    assert rerun_inputs.commits(repo.path, ["main", "nosuchref"]) is None
    assert rerun_inputs.commits(repo.path, ["--all", "HEAD"]) is None

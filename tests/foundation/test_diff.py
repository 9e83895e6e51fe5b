"""The diff model on diffs that real git produces for every kind of change."""

from __future__ import annotations

import os
import pytest

from reviewbot.diff import FileStatus, parse_patch
from reviewbot.errors import DiffError
from reviewbot.git import unquote_path
from reviewbot.config import Settings
from reviewbot.pipeline import collect_files
from reviewbot.sources import PatchSource, RangeSource, StagedSource, WorktreeSource, reverse_apply
from tests.helpers import GitRepo


def _by_path(patch):  # type: ignore[no-untyped-def]
    return {f.path: f for f in patch.files}


def test_every_kind_of_change_in_one_commit_range(repo: GitRepo) -> None:
    repo.write("mod.py", "a = 1\nb = 2\nc = 3\n")
    repo.write("gone.py", "x = 1\n")
    repo.write("moved.py", "".join(f"line{i} = {i}\n" for i in range(20)))
    repo.write("moved_edit.py", "".join(f"v{i} = {i}\n" for i in range(20)))
    repo.write("tool.sh", "echo hi\n")
    repo.write("data.bin", b"\x00\x01\x02")
    base = repo.commit("base")

    repo.write("mod.py", "a = 1\nb = 20\nc = 3\nd = 4\n")
    (repo.path / "gone.py").unlink()
    repo.git("mv", "moved.py", "renamed.py")
    repo.git("mv", "moved_edit.py", "renamed_edit.py")
    repo.write("renamed_edit.py", "".join(f"v{i} = {i}\n" for i in range(19)) + "v19 = 'changed'\n")
    os.chmod(repo.path / "tool.sh", 0o755)
    repo.write("data.bin", b"\x00\x01\x03")
    repo.write("new file.py", "print('space')\n")
    repo.write("ünï.py", "x = 'ü'\n")
    os.symlink("/etc/passwd", repo.path / "link.py")
    head = repo.commit("head")

    source = RangeSource(repo.path, base, head, merge_base=False)
    files = _by_path(source.patch())

    assert files["mod.py"].status is FileStatus.MODIFIED
    assert files["mod.py"].added_lines == {2, 4}
    assert files["gone.py"].status is FileStatus.DELETED
    assert files["renamed.py"].status is FileStatus.RENAMED
    assert files["renamed.py"].old_path == "moved.py"
    assert files["renamed.py"].hunks == ()
    assert files["renamed_edit.py"].status is FileStatus.RENAMED
    assert files["renamed_edit.py"].old_path == "moved_edit.py"
    assert files["renamed_edit.py"].added_lines == {20}
    assert files["tool.sh"].mode_only
    assert files["tool.sh"].new_mode == "100755"
    assert files["data.bin"].binary
    assert files["new file.py"].status is FileStatus.ADDED
    assert files["new file.py"].added_lines == {1}
    assert files["ünï.py"].status is FileStatus.ADDED
    assert files["link.py"].is_symlink

    # pre- and post-images come from git objects
    assert source.before(files["mod.py"]) == b"a = 1\nb = 2\nc = 3\n"
    assert source.after(files["mod.py"]) == b"a = 1\nb = 20\nc = 3\nd = 4\n"
    assert source.before(files["renamed_edit.py"]).startswith(b"v0 = 0\n")  # type: ignore[union-attr]
    assert source.after(files["gone.py"]) is None


def test_copies_are_recognised(repo: GitRepo) -> None:
    body = "".join(f"value_{i} = {i} * 2\n" for i in range(30))
    repo.write("orig.py", body)
    base = repo.commit()
    repo.write("copy.py", body)
    repo.write("orig.py", body + "extra = 1\n")
    repo.commit()
    raw = repo.git("diff", "-C", "-C", "--no-ext-diff", base, "HEAD")
    files = _by_path(parse_patch(raw))
    assert files["copy.py"].status is FileStatus.COPIED
    assert files["copy.py"].old_path == "orig.py"


def test_submodule_change_is_a_submodule(repo: GitRepo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sub = GitRepo(tmp_path / "sub").init()
    sub.write("s.py", "x = 1\n")
    sub.commit()
    repo.write("main.py", "y = 1\n")
    base = repo.commit()
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.path), "vendor/sub")
    repo.commit("add submodule")
    files = _by_path(RangeSource(repo.path, base, "HEAD", merge_base=False).patch())
    assert files["vendor/sub"].is_submodule


def test_crlf_non_utf8_and_no_newline_at_end(repo: GitRepo) -> None:
    repo.write("crlf.py", b"a = 1\r\nb = 2\r\n")
    repo.write("latin.py", "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1"))
    repo.write("nonl.py", "x = 1")
    repo.commit()
    repo.write("crlf.py", b"a = 1\r\nb = 3\r\n")
    repo.write("latin.py", "# -*- coding: latin-1 -*-\nname = 'caf\xe9s'\n".encode("latin-1"))
    repo.write("nonl.py", "x = 2")
    source = WorktreeSource(repo.path)
    files = _by_path(source.patch())
    assert files["crlf.py"].added_lines == {2}
    assert files["latin.py"].added_lines == {2}
    assert files["nonl.py"].added_lines == {1}
    # the pre-image can be rebuilt from the post-image and the hunks, byte for byte where git kept the bytes
    after = source.after(files["crlf.py"])
    assert reverse_apply(after, files["crlf.py"].hunks) == b"a = 1\r\nb = 2\r\n"  # type: ignore[arg-type]
    latin_after = source.after(files["latin.py"])
    assert reverse_apply(latin_after, files["latin.py"].hunks) == source.before(files["latin.py"])  # type: ignore[arg-type]


def test_quoted_paths_with_tabs_and_quotes_are_unquoted(repo: GitRepo) -> None:
    repo.write("plain.py", "x = 1\n")
    repo.commit()
    repo.write('tab\there "q".py', "x = 1\n")
    repo.write("new\nline.py", "y = 1\n")
    repo.git("add", "-A")
    files = _by_path(StagedSource(repo.path).patch())
    assert 'tab\there "q".py' in files
    assert "new\nline.py" in files


def test_unquote_path_handles_octal_utf8_and_escapes() -> None:
    assert unquote_path('"a\\tb"') == "a\tb"
    assert unquote_path('"\\303\\274.py"') == "ü.py"
    assert unquote_path('"q\\"uote\\\\"') == 'q"uote\\'
    assert unquote_path("plain name.py") == "plain name.py"


def test_empty_diff_is_an_empty_patch(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit()
    assert not WorktreeSource(repo.path).patch()
    assert not parse_patch("")
    assert not parse_patch("\n\n")


@pytest.mark.parametrize(
    "text",
    [
        "this is not a diff\nat all\n",
        "--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-only one line\n",  # hunk shorter than its header
        "@@ not a header @@\n",
    ],
)
def test_garbage_is_a_diff_error(text: str) -> None:
    with pytest.raises(DiffError):
        parse_patch(text, origin="bad.patch")


def test_a_repo_without_commits_diffs_against_the_empty_tree(repo: GitRepo) -> None:
    repo.write("first.py", "x = 1\n")
    repo.git("add", "first.py")
    files = _by_path(StagedSource(repo.path).patch())
    assert files["first.py"].status is FileStatus.ADDED
    assert files["first.py"].added_lines == {1}


def test_untracked_files_are_reviewed_as_added(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit()
    repo.write("fresh.py", "y = 1\nz = 2\n")
    repo.write(".gitignore", "ignored.py\n")
    repo.write("ignored.py", "nope = 1\n")
    files = _by_path(WorktreeSource(repo.path).patch())
    assert files["fresh.py"].added_lines == {1, 2}
    assert "ignored.py" not in files


def test_a_fifo_named_by_a_patch_is_skipped_never_opened(repo: GitRepo) -> None:
    os.mkfifo(repo.path / "pipe.py")
    patch = "--- /dev/null\n+++ b/pipe.py\n@@ -0,0 +1 @@\n+x = 1\n"
    source = PatchSource(patch, repo.path)
    # opening the FIFO for reading would block this test forever
    files, skipped, _ = collect_files(source.patch(), source, Settings())
    assert files == ()
    assert [(s.path, s.reason) for s in skipped] == [("pipe.py", "not a regular file")]

"""Many blobs from one ``git cat-file --batch`` (reviewbot/blobs.py), and the sources reading a range through it:
the same texts as one ``git cat-file`` per file, with git started a fixed number of times."""

from __future__ import annotations

import pytest

from reviewbot import blobs, git
from reviewbot.pipeline import collect_files
from reviewbot.config import Settings
from reviewbot.sources import RangeSource
from tests.helpers import GitRepo


def test_read_many(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.write("dir with space/b c.py", "y = 2\n")
    repo.write("big.bin", b"\0" * 5000)
    repo.write("empty.py", "")
    head = repo.commit()
    names = [f"{head}:a.py", f"{head}:dir with space/b c.py", f"{head}:missing.py", f"{head}:dir with space",
             f"{head}:big.bin", f"{head}:empty.py", "nosuchrev:a.py", f"{head}:a\nb.py"]
    found = blobs.read_many(repo.path, names, largest=4000)
    assert found == {
        f"{head}:a.py": b"x = 1\n",
        f"{head}:dir with space/b c.py": b"y = 2\n",
        f"{head}:missing.py": None,
        f"{head}:dir with space": None,  # a tree, not a blob
        f"{head}:empty.py": b"",
        "nosuchrev:a.py": None,
    }  # big.bin is over `largest` and the name with a newline cannot be asked for: the caller reads them itself
    assert blobs.read_many(repo.path, names, largest=10_000, budget=10)[f"{head}:a.py"] == b"x = 1\n"
    assert f"{head}:big.bin" not in blobs.read_many(repo.path, names, largest=10_000, budget=10)
    assert blobs.read_many(repo.path, [], largest=1) == {}


def test_a_range_reads_its_files_with_a_fixed_number_of_git_processes(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(12):
        repo.write(f"pkg/m{i}.py", f"def f{i}():\n    return {i}\n")
    repo.write("logo.png", b"\x89PNG\0\0old")
    repo.commit("base")
    for i in range(12):
        repo.write(f"pkg/m{i}.py", f"def f{i}():\n    return {i} + 1\n")
    repo.write("pkg/new.py", "NEW = 1\n")
    repo.write("logo.png", b"\x89PNG\0\0new")
    repo.commit("head")
    calls: list[list[str]] = []
    spawn = git._spawn

    def counted(cmd, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(cmd)
        return spawn(cmd, *args, **kwargs)

    monkeypatch.setattr(git, "_spawn", counted)
    source = RangeSource(repo.path, "HEAD~1", "HEAD")
    files, skipped, _ = collect_files(source.patch(), source, Settings())
    assert {sf.path: sf.text for sf in files} == {
        **{f"pkg/m{i}.py": f"def f{i}():\n    return {i} + 1\n" for i in range(12)}, "pkg/new.py": "NEW = 1\n"}
    befores = {sf.path: sf.before for sf in files}
    assert befores == {**{f"pkg/m{i}.py": f"def f{i}():\n    return {i}\n" for i in range(12)}, "pkg/new.py": None}
    assert [s.path for s in skipped] == ["logo.png"]
    cat_files = [c for c in calls if "cat-file" in c]
    assert len(cat_files) == 2, cat_files  # sizes, then every blob at once: not 25 processes

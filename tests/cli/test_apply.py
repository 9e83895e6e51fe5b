"""`review --apply`: verified suggestions written to the working tree, safely."""

from __future__ import annotations

import os

import pytest

from reviewbot.apply import Edit, plan, write
from tests.conftest import git_state

FIXED = "import ast\n\n\ndef load(text):\n    return ast.literal_eval(text)\n"


def test_apply_with_yes_writes_the_fix_and_keeps_the_mode(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    os.chmod(flagged.path / "app.py", 0o755)
    r = cli(flagged.path, "review", "--analyzers", "marker", "--apply", "--yes")
    assert r.code == 1  # the exit code is the review's
    assert (flagged.path / "app.py").read_text() == FIXED
    assert os.stat(flagged.path / "app.py").st_mode & 0o777 == 0o755
    assert "+    return ast.literal_eval(text)" in r.err  # shown before it is written
    assert "applied 1 fix to app.py" in r.err
    assert not [p for p in flagged.path.iterdir() if "reviewbot-tmp" in p.name]


def test_apply_asks_and_no_means_no(flagged, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("n\n"))
    r = cli(flagged.path, "review", "--analyzers", "marker", "--apply")
    assert "Apply 1 fix to 1 file?" in r.err and "nothing applied" in r.err
    assert "eval(text)" in (flagged.path / "app.py").read_text()
    assert "literal_eval" not in (flagged.path / "app.py").read_text()
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))  # no answer at all (not a terminal)
    r = cli(flagged.path, "review", "--analyzers", "marker", "--apply")
    assert "nothing applied" in r.err and "literal_eval" not in (flagged.path / "app.py").read_text()
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("y\n"))
    cli(flagged.path, "review", "--analyzers", "marker", "--apply")
    assert (flagged.path / "app.py").read_text() == FIXED


def test_staged_review_refuses_a_file_with_unstaged_edits(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    flagged.git("add", "app.py")
    flagged.write("app.py", "import ast\n\n\ndef load(text):\n    return eval(text)\n# unstaged\n")
    before = git_state(flagged.path)
    r = cli(flagged.path, "review", "--staged", "--analyzers", "marker", "--apply", "--yes")
    assert "not touching app.py: has changes that are not in the reviewed diff" in r.err
    assert git_state(flagged.path) == before
    # once the working tree matches the index, the staged review's fix applies
    flagged.write("app.py", "import ast\n\n\ndef load(text):\n    return eval(text)\n")
    r = cli(flagged.path, "review", "--staged", "--analyzers", "marker", "--apply", "--yes")
    assert (flagged.path / "app.py").read_text() == FIXED, r


def test_range_review_applies_only_to_a_clean_file(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    flagged.commit("add eval")
    cli(flagged.path, "review", "--base", "HEAD~1", "--analyzers", "marker", "--apply", "--yes")
    assert (flagged.path / "app.py").read_text() == FIXED


def test_yes_without_apply_is_a_usage_error(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli(flagged.path, "review", "--yes").code == 2


def test_no_suggestion_nothing_to_do(repo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("a.py", "x = 1\n")
    repo.commit()
    repo.write("a.py", "x = 1\nprint(x)\n")
    r = cli(repo.path, "review", "--analyzers", "marker", "--min-score", "0", "--apply", "--yes")
    assert "no verified fix to apply" in r.err


def _edit(line: int, expected: str, new: str) -> Edit:
    return Edit("m.py", line, line, expected, new, "t:r")


def test_plan_is_bottom_up_skips_overlaps_and_keeps_crlf_and_bom(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = b"\xef\xbb\xbfa = 1\r\nb = 2\r\nc = 3"
    (tmp_path / "m.py").write_bytes(data)
    edits = [_edit(3, "c = 3", "c = 30\n"), _edit(1, "a = 1\r\n", "a = 10\nx = 0\n"), _edit(1, "a = 1\r\n", "z\n")]
    [p], refused, notes = plan(edits, tmp_path, lambda path: data)
    assert refused == [] and notes == ["m.py:1: overlaps another suggestion; not applied"]
    assert p.new == b"\xef\xbb\xbfa = 10\r\nx = 0\r\nb = 2\r\nc = 30"
    write(p, tmp_path)
    assert (tmp_path / "m.py").read_bytes() == p.new


def test_plan_refuses_stale_lines_symlinks_and_changed_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "m.py").write_text("a = 1\n")
    _, refused, _ = plan([_edit(1, "a = 2\n", "a = 3\n")], tmp_path, lambda p: b"a = 1\n")
    assert "no longer what was reviewed" in refused[0].reason
    _, refused, _ = plan([_edit(1, "a = 1\n", "a = 3\n")], tmp_path, lambda p: b"a = 0\n")
    assert "not in the reviewed diff" in refused[0].reason
    (tmp_path / "real.py").write_text("a = 1\n")
    (tmp_path / "link.py").symlink_to("real.py")
    edit = Edit("link.py", 1, 1, "a = 1\n", "a = 3\n", "t:r")
    _, refused, _ = plan([edit], tmp_path, lambda p: b"a = 1\n")
    assert refused[0].path == "link.py" and "symlink" in refused[0].reason
    assert (tmp_path / "real.py").read_text() == "a = 1\n"


def test_write_rechecks_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "m.py").write_text("a = 1\n")
    [p], _, _ = plan([_edit(1, "a = 1\n", "a = 3\n")], tmp_path, lambda p: b"a = 1\n")
    (tmp_path / "m.py").write_text("a = 1\n# edited meanwhile\n")
    with pytest.raises(Exception, match="changed while reviewbot was running"):
        write(p, tmp_path)

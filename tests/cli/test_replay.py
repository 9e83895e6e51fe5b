"""The replay cache of whole reviews (reviewbot/rerun.py): a second identical ``reviewbot review`` replays the first
one's result without reading, analysing or ranking anything (its progress says so, and it prints no analyzer or
verification step), with the same report and exit code. Any changed input, ``--no-cache`` and a corrupt entry run
the review again; nothing from the reviewed tree decides where the entries live."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from reviewbot import analyzers
from tests.helpers import GitRepo

ARGS = ("review", "--analyzers", "marker", "-v")
REPLAYED = "replaying its result"
RAN = "analyzing 1 file(s)"


def entries() -> list[Path]:
    return sorted((Path(os.environ["REVIEWBOT_CACHE_DIR"]) / "reviews").rglob("*.json"))


def run_facts(report: dict[str, Any]) -> dict[str, Any]:
    """The report without what describes the run itself (its seconds, stages and cache counts)."""
    report = json.loads(json.dumps(report))
    report.pop("stats")
    for status in report["summary"]["analyzers"]:
        status.pop("seconds")
        status.pop("cached")
    return report


def test_a_second_identical_review_replays_the_first(cli, flagged: GitRepo) -> None:  # type: ignore[no-untyped-def]
    first = cli(flagged.path, *ARGS, "--format", "json")
    assert first.code == 1 and RAN in first.err and "verifying 1/1" in first.err, first.err
    assert len(entries()) == 1

    again = cli(flagged.path, *ARGS, "--format", "json")
    assert again.code == first.code
    assert REPLAYED in again.err
    assert RAN not in again.err and "ranking" not in again.err and "verifying" not in again.err, again.err
    cold, warm = json.loads(first.out), json.loads(again.out)
    assert run_facts(warm) == run_facts(cold)
    assert [s["name"] for s in warm["stats"]["stages"]] == ["replay"]
    assert all(s["cached"] == 1 and s["seconds"] == 0.0 for s in warm["summary"]["analyzers"])
    assert "verified: resolves marker no-eval" in json.dumps(warm["comments"])


def test_the_replay_renders_every_format_as_the_review_does(  # type: ignore[no-untyped-def]
    cli, flagged: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = {fmt: cli(flagged.path, *ARGS, "--no-cache", "--format", fmt, "-q") for fmt in ("text", "short", "sarif")}
    cli(flagged.path, *ARGS, "--format", "json")  # stores the review
    out = flagged.path.parent / "report.md"
    got = cli(flagged.path, *ARGS, "--format", "markdown", "-o", str(out), "--fail-on", "none")
    assert got.code == 0 and got.out == ""  # --fail-on is part of what is asked: not the stored review, so it ran
    assert RAN in got.err and "no-eval" in out.read_text(encoding="utf-8")
    # the analyzer can no longer be loaded: only a review that loads no analyzer still reports what it found
    monkeypatch.setitem(analyzers.BUILTIN, "marker", "tests.foundation.no_such_module:Gone")
    for fmt, want in cold.items():
        got = cli(flagged.path, *ARGS, "--format", fmt, "-q")
        assert (got.code, got.out) == (want.code, want.out), fmt  # byte for byte
        assert got.out


def test_a_changed_input_runs_the_review_again(cli, flagged: GitRepo) -> None:  # type: ignore[no-untyped-def]
    cli(flagged.path, *ARGS, "--format", "json")
    flagged.write("app.py", "import ast\n\n\ndef load(text):\n    return eval(text) or eval(text)\n")
    edited = cli(flagged.path, *ARGS, "--format", "json")
    assert RAN in edited.err and REPLAYED not in edited.err

    flagged.write(".reviewbot.toml", "fail-on = 'none'\n")  # a config file appears
    configured = cli(flagged.path, *ARGS, "--format", "json")
    assert RAN in configured.err and configured.code == 0

    flagged.write("notes/later.txt", "an untracked file\n")
    assert RAN in cli(flagged.path, *ARGS, "--format", "json").err
    assert REPLAYED in cli(flagged.path, *ARGS, "--format", "json").err


def test_a_changed_baseline_runs_the_review_again(cli, flagged: GitRepo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, empty = tmp_path / "baseline.json", tmp_path / "empty.json"
    assert cli(flagged.path, "baseline", "--analyzers", "marker", "-o", str(base)).code == 0
    assert cli(flagged.path, "baseline", "--analyzers", "", "-o", str(empty)).code == 0
    args = (*ARGS, "--baseline", str(base), "--format", "json")
    assert cli(flagged.path, *args).code == 0
    assert REPLAYED in cli(flagged.path, *args).err
    base.write_bytes(empty.read_bytes())
    again = cli(flagged.path, *args)
    assert RAN in again.err and again.code == 1


def test_a_file_read_outside_what_git_sees_is_checked_again(cli, repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    """The patch's file is ignored by git, so only the record of what the review read can tell it changed."""
    repo.write(".gitignore", "gen/\n")
    repo.commit("ignore gen/")
    repo.write("gen/app.py", "def load(text):\n    return eval(text)\n\n\nX = 1\n")
    patch = repo.path.parent / "change.patch"
    patch.write_text("--- a/gen/app.py\n+++ b/gen/app.py\n@@ -1,2 +1,2 @@\n def load(text):\n"
                     "-    return text\n+    return eval(text)\n", encoding="utf-8")
    args = (*ARGS, "--patch", str(patch), "--filter", "file", "--format", "json")
    first = cli(repo.path, *args)
    assert RAN in first.err and first.code == 1, first.err
    assert REPLAYED in cli(repo.path, *args).err
    repo.write("gen/app.py", "def load(text):\n    return eval(text)\n\n\nX = print(1)\n")
    again = cli(repo.path, *args)
    assert RAN in again.err, again.err
    assert run_facts(json.loads(again.out)) != run_facts(json.loads(first.out))  # the print( is found


def test_no_cache_and_a_corrupt_entry_run_the_review(cli, flagged: GitRepo) -> None:  # type: ignore[no-untyped-def]
    cli(flagged.path, *ARGS, "--format", "json")
    bypassed = cli(flagged.path, *ARGS, "--format", "json", "--no-cache")
    assert RAN in bypassed.err and REPLAYED not in bypassed.err

    (entry,) = entries()
    raw = entry.read_bytes()
    for broken in (raw[: len(raw) // 2], raw.replace(b"marker:no-eval", b"marker:no-evil"), b"\xff\xfe", b"[]"):
        assert broken != raw
        entry.write_bytes(broken)
        again = cli(flagged.path, *ARGS, "--format", "json")
        assert again.code == 1 and RAN in again.err and REPLAYED not in again.err, again.err
        assert entry.read_bytes() != broken  # rewritten by the review
    assert REPLAYED in cli(flagged.path, *ARGS, "--format", "json").err


def test_the_reviewed_tree_cannot_place_the_entries(cli, flagged: GitRepo) -> None:  # type: ignore[no-untyped-def]
    flagged.write(".reviewbot.toml", "cache-dir = 'in-tree-cache'\n")
    flagged.commit("config")
    flagged.write("app.py", "def load(text):\n    return eval(text)\n")
    cli(flagged.path, *ARGS, "--format", "json", "--trust-config")
    assert REPLAYED in cli(flagged.path, *ARGS, "--format", "json", "--trust-config").err
    assert len(entries()) == 1
    assert not list(flagged.path.rglob("reviews"))


def test_an_edit_git_status_reports_alike_is_seen_from_a_subdirectory(cli, repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    """``git status`` says "modified" before and after the second edit: the file's content is what tells them
    apart, found at the path git names relative to the repository's root."""
    repo.write("pkg/mod.py", "def f(x):\n    return x\n")
    repo.commit("base")
    repo.write("pkg/mod.py", "def f(x):\n    return eval(x)\n")
    sub = repo.path / "pkg"
    assert RAN in cli(sub, *ARGS, "--format", "json").err
    assert REPLAYED in cli(sub, *ARGS, "--format", "json").err
    repo.write("pkg/mod.py", "def f(x):\n    return eval(x)\n\n\nprint(f('1'))\n")
    again = cli(sub, *ARGS, "--format", "json")
    assert RAN in again.err and "print" in again.out


def test_the_user_config_places_the_entries(cli, flagged: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Where the analyzer cache goes by the user's own config, the replay's entries go too."""
    from platformdirs import user_config_path

    monkeypatch.delenv("REVIEWBOT_CACHE_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    chosen = tmp_path / "chosen-cache"
    (user_config_path("reviewbot")).mkdir(parents=True)
    (user_config_path("reviewbot") / "config.toml").write_text(f"cache-dir = '{chosen}'\n", encoding="utf-8")
    cli(flagged.path, *ARGS, "--format", "json")
    assert REPLAYED in cli(flagged.path, *ARGS, "--format", "json").err
    assert list((chosen / "reviews").rglob("*.json")) and list((chosen / "analyzers").rglob("*.json"))


def test_a_commit_range_replays_until_a_ref_moves(cli, flagged: GitRepo) -> None:  # type: ignore[no-untyped-def]
    flagged.commit("the eval")
    args = (*ARGS, "--base", "HEAD~1", "--head", "main", "--format", "json")
    first = cli(flagged.path, *args)
    assert RAN in first.err and first.code == 1
    flagged.write("scratch.py", "print('not committed')\n")  # the working tree is not what a range reviews
    again = cli(flagged.path, *args)
    assert REPLAYED in again.err and again.code == 1
    assert run_facts(json.loads(again.out)) == run_facts(json.loads(first.out))
    flagged.write("app.py", "import ast\n\n\ndef load(text):\n    return ast.literal_eval(text)\n")
    flagged.commit("fixed")  # main moves; HEAD~1 too
    moved = cli(flagged.path, *args)
    assert "analyzing 2 file(s)" in moved.err and moved.code == 0  # app.py and scratch.py


def test_a_report_written_into_the_tree_is_not_an_input(cli, flagged: GitRepo) -> None:  # type: ignore[no-untyped-def]
    """``-o report.sarif`` in the repository (as CI does): the report written does not make the next run a miss."""
    args = (*ARGS, "--format", "sarif", "-o", "report.sarif")
    assert RAN in cli(flagged.path, *args).err
    first = (flagged.path / "report.sarif").read_text(encoding="utf-8")
    assert REPLAYED in cli(flagged.path, *args).err
    assert (flagged.path / "report.sarif").read_text(encoding="utf-8") == first

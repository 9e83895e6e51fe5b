"""bench/static_merged.py without the snapshots: which main-line commits are merged pull requests, the pick and its
limits, the split, a case repository built from a bare snapshot and reviewed, label keys and totals by rule, the
pinned cases, and the skip when no snapshot is there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import GitRepo

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import static_merged as sm  # noqa: E402
import static_scoring as scoring  # noqa: E402


@pytest.mark.parametrize(
    ("subject", "parents", "expected"),
    [
        ("Merge pull request #2345 from someone/fix-echo", 2, 2345),
        ("Fix the pager on Windows (#3778)", 1, 3778),
        ("Fix the pager on Windows (#3778)  ", 1, 3778),
        ("Merge branch '8.1.x'", 2, None),  # a branch merge bundles many pull requests
        ("Merge pull request #12 from a/b", 1, None),  # a merge subject on a single-parent commit
        ("Revert (#12) and retry", 1, None),  # the number must end the subject
        ("Fix the pager (#3778)", 2, None),  # a merge commit is not a squash
        ("typo", 1, None),
    ],
)
def test_which_commits_are_merged_pull_requests(subject: str, parents: int, expected: int | None) -> None:
    assert sm.pr_number(subject, parents) == expected


@pytest.fixture
def upstream(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    """A main line with a merged pull request, a squash-merged one, a direct push, a docs-only pull request, a
    branch merge and a pull request too large to keep."""
    repo = GitRepo(tmp_path / "upstream").init()
    repo.write("pkg/core.py", "def a():\n    return 1\n")
    repo.write("README.md", "x\n")
    shas = {"root": repo.commit("initial")}
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("pkg/core.py", "def a():\n    return 1\n\n\ndef b(items=[]):\n    return items\n")
    repo.commit("add b")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "feature", "-m", "Merge pull request #5 from someone/feature")
    shas["merge"] = repo.git("rev-parse", "HEAD").strip()
    repo.write("pkg/core.py", repo.path.joinpath("pkg/core.py").read_text() + "\n\ndef c():\n    return 3\n")
    shas["squash"] = repo.commit("Add c (#7)")
    repo.write("pkg/core.py", repo.path.joinpath("pkg/core.py").read_text() + "# note\n")
    repo.commit("direct push")
    repo.write("README.md", "y\n")
    repo.commit("Docs (#8)")
    repo.git("checkout", "-q", "-b", "stable", shas["root"])
    repo.write("pkg/other.py", "x = 1\n")
    repo.commit("on stable")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "stable", "-m", "Merge branch 'stable'")
    repo.write("pkg/big.py", "".join(f"v{i} = {i}\n" for i in range(30)))
    shas["big"] = repo.commit("Add many constants (#9)")
    return repo, shas


def test_the_pick_keeps_merged_pull_requests_that_add_python_lines(upstream: tuple[GitRepo, dict[str, str]]) -> None:
    repo, shas = upstream
    picked = sm.pick("demo", repo.path, per_project=10, max_added=20)
    # newest first; the docs-only pull request (#8), the direct push, the branch merge and #9 (30 lines) are left out
    assert [(c.number, c.commit, c.added) for c in picked] == [(7, shas["squash"], 4), (5, shas["merge"], 4)]
    merge = picked[1]
    assert merge.parent == repo.git("rev-parse", f"{shas['merge']}^1").strip()  # the main line before the merge
    assert merge.id == "demo#5" and merge.split in ("train", "heldout")
    assert sm.pick("demo", repo.path, per_project=1, max_added=20) == picked[:1]
    assert [c.number for c in sm.pick("demo", repo.path, per_project=10, max_added=2000)] == [9, 7, 5]


def test_the_split_is_a_fixed_hash_of_the_commit() -> None:
    commits = [f"{i:040x}" for i in range(400)]
    splits = [sm.split_of(c) for c in commits]
    assert splits == [sm.split_of(c) for c in commits]
    assert 0.4 < splits.count("heldout") / len(splits) < 0.6


def test_a_case_is_built_from_a_bare_snapshot_and_reviewed(upstream: tuple[GitRepo, dict[str, str]], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    repo, shas = upstream
    snapshots = tmp_path / "snapshots"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(snapshots / "someone+demo" / "repo")],
                   check=True)
    monkeypatch.setattr(sm, "PROJECTS", {"demo": "someone/demo"})
    monkeypatch.setattr(sm, "LABELS_FILE", tmp_path / "labels.json")
    case = next(c for c in sm.pick("demo", snapshots / "someone+demo" / "repo", 10, 20) if c.number == 5)
    out = tmp_path / "run.json"
    reviewbot = [str(Path(sys.executable).with_name("reviewbot"))]
    assert sm.run([case], snapshots, tmp_path / "work", out, True, 1, reviewbot) == 0
    saved = json.loads(out.read_text())["cases"]["demo#5"]
    assert saved["added"] == {"pkg/core.py": 4}
    assert [(c["rule"], c["line"]) for c in saved["report"]["comments"]] == [("dangerous-default-value", 5)]
    text = capsys.readouterr().out
    assert "demo#5 pkg/core.py pylint:dangerous-default-value" in text  # --show: the label key
    assert "changes with a posted comment: 1/1 = 100.0 %" in text
    assert "posted comments by rule: pylint:dangerous-default-value 1" in text
    # the case repository is checked out at the pull request's commit
    built = next((tmp_path / "work" / "repos").iterdir())
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=built, capture_output=True, text=True,
                          check=True).stdout.strip() == shas["merge"]


def test_without_snapshots_the_run_skips_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sm.main(["run", "--snapshots", str(tmp_path), "--only", "click", "--work", str(tmp_path / "w")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("static_merged: skipped, no snapshot of pallets/click under ")
    assert not (tmp_path / "w").exists()


def test_scoring_by_case_name() -> None:
    c = {"path": "src/m.py", "line": 3, "tool": "radon", "rule": "complexity-threshold", "code": "def f(x):\n",
         "severity": "warning", "kind": "source"}
    key = scoring.comment_key("click#3372", c)
    assert key == f"click#3372 src/m.py radon:complexity-threshold {scoring.line_hash('def f(x):')}"
    labels = scoring.Labels({key: "wrong"})
    one = scoring.case_metrics("click#3372", {"comments": [c, {**c, "code": "def g():"}]}, {"src/m.py": 40}, labels)
    quiet = scoring.case_metrics("click#1", {"comments": []}, {"src/m.py": 1960}, labels)
    total = scoring.totals([one, quiet])
    assert total["rules"] == {"radon:complexity-threshold": 2}
    assert (total["changes_with_comment"], total["per_kloc"]) == (1, 1.0)
    assert total["verdicts"] == {"useful": 0, "nit": 0, "wrong": 1} and total["unlabelled"] == 1


def test_the_pinned_cases() -> None:
    cases = sm.load_cases()
    assert len(cases) >= 150 and len({c.project for c in cases}) >= 4
    assert not {c.project for c in cases} & sm.RESERVED
    assert len({c.id for c in cases}) == len(cases) and len({c.commit for c in cases}) == len(cases)
    assert all(1 <= c.added <= sm.MAX_ADDED and len(c.commit) == 40 and len(c.parent) == 40 for c in cases)
    assert all(c.split == sm.split_of(c.commit) for c in cases)
    assert 0.35 < sum(c.split == "heldout" for c in cases) / len(cases) < 0.65
    labels = json.loads(sm.LABELS_FILE.read_text())["labels"]
    ids = {c.id for c in cases}
    assert all(key.split(" ", 1)[0] in ids for key in labels)  # every label belongs to a pinned case

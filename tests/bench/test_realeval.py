"""The real-change evaluation harness (bench/realeval): cases built from a real git history, blind hand-out,
answer validation, cassettes, metrics and the weight fit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import GitRepo

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from realeval import audit, blind, fit  # noqa: E402
from realeval.cases import Built, Case, build  # noqa: E402
from realeval.score import Mark, metrics  # noqa: E402

BUGGY = "def total(items):\n    s = 0\n    for i in range(1, len(items)):\n        s += items[i]\n    return s\n"
FIXED = BUGGY.replace("range(1, len(items))", "range(len(items))")


@pytest.fixture
def history(tmp_path: Path) -> tuple[GitRepo, str, str]:
    repo = GitRepo(tmp_path / "upstream").init()
    repo.write("pkg/calc.py", BUGGY)
    repo.write("README.md", "x\n")
    buggy = repo.commit("buggy")
    repo.write("pkg/calc.py", FIXED)
    fixed = repo.commit("fix off-by-one")
    return repo, buggy, fixed


def test_bug_and_control_cases_from_a_real_fix(history: tuple[GitRepo, str, str], tmp_path: Path) -> None:
    repo, buggy, fixed = history
    bug = Case("c1", "bug", "p", "x", base=fixed, split="train", post=buggy, files=("pkg/calc.py",), pair="f1")
    control = Case("c2", "control", "p", "x", base=buggy, split="train", post=fixed, files=("pkg/calc.py",),
                   pair="f1")
    b = build(bug, repo.path, tmp_path / "work")
    c = build(control, repo.path, tmp_path / "work")
    # the bug case's head reintroduces the buggy line; the ground truth is that line of the head
    head_text = subprocess.run(["git", "show", f"{b.head}:pkg/calc.py"], cwd=b.repo, capture_output=True,
                               text=True, check=True).stdout
    assert head_text == BUGGY and b.truth == {"pkg/calc.py": [3]} and b.added_lines == 1
    assert c.truth == {"pkg/calc.py": [3]}
    # the synthesised head is reproducible (fixed identity, date and message) and says nothing of the fix
    again = build(bug, repo.path, tmp_path / "work")
    assert again.head == b.head
    message = subprocess.run(["git", "log", "-1", "--format=%s", b.head], cwd=b.repo, capture_output=True,
                             text=True, check=True).stdout.strip()
    assert message == "update"


def built(case_id: str, kind: str, truth: dict[str, list[int]], pair: str = "", added: int = 10) -> Built:
    b = Built(Case(case_id, kind, "p", "x", "base", "train", pair=pair), Path("."), "base", "head", truth)
    b.added_lines = added
    return b


def test_metrics_follow_the_protocol() -> None:
    cases = [built("b1", "bug", {"a.py": [10]}), built("b2", "bug", {"a.py": [50]}),
             built("c1", "control", {"a.py": [10]}), built("k1", "clean", {}, added=500)]
    marks = {
        "b1": [Mark("a.py", 12, 13, "llm")],  # within 3 lines: found
        "b2": [Mark("a.py", 40, 42, "llm"), Mark("b.py", 50, 50, "llm")],  # 8 lines away; other file: not found
        "c1": [Mark("a.py", 7, 7, "llm")],  # near the fix of a correct change: an alarm
        "k1": [Mark("z.py", 1, 1, "llm")],
    }
    m = metrics(cases, marks)
    assert m["recall@±3"] == 0.5 and m["localisation precision"] == pytest.approx(1 / 3)
    assert m["control near-fix alarm"] == 1.0 and m["clean alarm"] == 1.0
    assert m["comments per 1k added lines (clean)"] == 2.0


def test_audited_clean_alarm_counts_only_unwanted_comments() -> None:
    cases = [built("k1", "clean", {}, added=500), built("k2", "clean", {}, added=500)]
    bug = "`x` is unbound when the list is empty, so this raises UnboundLocalError."
    labels = {
        "k1": [audit.Label("a.py", 10, 11, audit.text_key(bug), True),
               audit.Label("a.py", 30, 30, audit.text_key("Rename this."), False)],
        "k2": [audit.Label("b.py", 5, 5, audit.text_key("Add a docstring."), False)],
    }
    marks = {
        # the labelled real defect, its text re-wrapped and with a zero-width space: wanted
        "k1": [Mark("a.py", 10, 11, "llm", key=audit.text_key(bug.replace(" is ", "\n is\u200b ")))],
        "k2": [Mark("b.py", 5, 5, "llm", key=audit.text_key("Add a docstring.")),
               Mark("b.py", 40, 40, "llm")],  # unlabelled: noise
    }
    m = metrics(cases, marks, labels)
    assert m["clean alarm"] == 1.0 and m["clean alarm, audited"] == 0.5
    assert m["noise per 1k added lines (clean, audited)"] == 2.0
    # no exact label: by lines, wanted only when every labelled comment there is wanted
    assert audit.wanted(labels["k1"], "a.py", 11, 12, "other text")
    assert not audit.wanted(labels["k1"], "a.py", 9, 40, "other text")
    assert "clean alarm, audited" not in metrics(cases, marks)


def test_hand_out_is_blind_and_collect_validates(tmp_path: Path) -> None:
    dumps = {}
    for case_id, kind in (("bug1", "bug"), ("ctl1", "control")):
        folder = tmp_path / "dumps" / case_id
        folder.mkdir(parents=True)
        (folder / "001.txt").write_text(f"prompt of {case_id}\n")
        entries = [{"file": "001.txt", "label": "review:a.py", "key": f"k-{case_id}", "schema": "review_comments",
                    "n": 1}]
        dumps[case_id] = (built(case_id, kind, {}, pair="f1"), folder, entries)
    out = tmp_path / "blind"
    mapping = blind.hand_out("S", dumps, out, batches=2)
    # bug and control of one fix never share a batch; the names say nothing about the case
    assert {m["batch"] for m in mapping.values()} == {0, 1}
    names = [p.name for p in out.glob("batch-*/*.txt")]
    assert len(names) == 2 and not any("bug" in n or "ctl" in n for n in names)
    good, bad = sorted(mapping, key=lambda n: mapping[n]["case"])
    (out / f"batch-{mapping[good]['batch']:02d}" / "answers" / f"{good}.json").write_text('{"comments": []}')
    (out / f"batch-{mapping[bad]['batch']:02d}" / "answers" / f"{bad}.json").write_text("looks fine to me")
    target = blind.ANSWERS / "S.json"
    try:
        kept, problems = blind.collect("S", out, "m", "")
        assert kept == 1 and len(problems) == 1 and "does not fit the review_comments schema" in problems[0]
    finally:
        target.unlink(missing_ok=True)


def test_cassette_with_a_missing_second_sample_still_asks_for_two() -> None:
    entries = [{"label": "review:a.py", "key": "k1", "sample": 1, "text": "{}"},
               {"label": "review:b.py", "key": "k2", "sample": 1, "text": "{}"},
               {"label": "review:b.py", "key": "k2", "sample": 2, "text": '{"comments": []}'},
               {"label": "triage:a.py", "key": "k3", "sample": 1, "text": "{}"}]
    tape = {i["label"]: i for i in blind.cassette(entries, "m", samples=2)["interactions"]}
    assert tape["review:a.py"]["request"]["n"] == 2 and len(tape["review:a.py"]["response"]["texts"]) == 1
    assert len(tape["review:b.py"]["response"]["texts"]) == 2
    assert tape["triage:a.py"]["request"]["n"] == 1


def test_fit_recovers_the_direction_of_a_signal() -> None:
    # confident comments are right, hedged ones are not: the confidence weight comes out positive
    def row(p: float) -> tuple[float, ...]:
        return tuple(fit.logit(p) if name == "confidence" else 0.0 for name in fit.FEATURES)

    data = [fit.Example(f"c{i}", "train", row(p), y)
            for i, (p, y) in enumerate([(0.9, 1), (0.85, 1), (0.8, 1), (0.7, 0), (0.4, 0), (0.3, 0), (0.75, 1),
                                        (0.5, 0)])]
    bias, weights = fit.fit(data, l2=0.1)
    assert weights[fit.FEATURES.index("confidence")] > 1.0
    assert fit.auc(bias, weights, data) == 1.0


def test_score_without_snapshots_skips_cleanly(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(BENCH / "real_eval.py"), "--snapshots", str(tmp_path / "none"),
                           "--work", str(tmp_path / "w"), "score", "raw:C"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "no snapshot of" in proc.stderr and "nothing scored" in proc.stderr

"""Baselines: `reviewbot baseline` writes the current findings; `review --baseline FILE` reports only new ones."""

from __future__ import annotations

import json

import pytest

from reviewbot import baseline
from reviewbot.errors import ReviewbotError
from reviewbot.filtering import place_all, select
from reviewbot.models import Confidence, Finding, Severity, SourceFile, finding_fingerprint

OLD = "import ast\n\n\ndef load(text):\n    return eval(text)\n"


def test_entries_count_fingerprints_and_computes_missing_ones() -> None:
    text = "eval(a)\neval(a)\neval(b)\n"
    sf = SourceFile("m.py", text)
    fs = [Finding("t", "r", "m.py", n, n, Severity.ERROR, Confidence.HIGH, "m") for n in (1, 2, 3)]
    entries = baseline.entries(fs, [sf])
    assert sorted(e.count for e in entries) == [1, 2]
    assert {e.fingerprint for e in entries} == {finding_fingerprint("t", "r", "m.py", "eval(a)"),
                                                finding_fingerprint("t", "r", "m.py", "eval(b)")}


def test_filter_matches_copies_outside_the_change_first() -> None:
    text = "eval(a)\nx = 1\neval(a)\n"
    sf = SourceFile("m.py", text, added_lines=frozenset({3}), hunks=((3, 3),))
    fs = [Finding("t", "r", "m.py", n, n, Severity.ERROR, Confidence.HIGH, "m") for n in (1, 3)]
    base = baseline.Baseline({finding_fingerprint("t", "r", "m.py", "eval(a)"): 1})
    placed = place_all(fs, [sf])
    known = base.known(placed, [sf])
    assert known == {0}  # the copy the change adds is the new one
    everything = select(placed, "nofilter", known=known)
    assert [f.line for f in everything.kept] == [3] and everything.cut == {"in-baseline": 1}
    # the summary counts only what the diff filter would have shown: the known copy is outside the change
    added = select(placed, "added", known=known)
    assert [f.line for f in added.kept] == [3] and not added.cut
    assert base.known(placed, [sf], skip={0, 1}) == set()  # suppressed findings are not matched


def test_roundtrip_and_corrupt_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "b.json"
    baseline.write(path, [baseline.Entry("0123456789abcdef", "bandit", "B602", "a.py", 2)])
    assert baseline.load(path).counts == {"0123456789abcdef": 2}
    assert json.loads(path.read_text())["schema"] == "reviewbot-baseline"
    for content, why in [
        ("{not json", "invalid JSON"),
        ('{"schema": "other"}', "schema"),
        ('{"schema": "reviewbot-baseline", "version": 9, "findings": []}', "version"),
        ('{"schema": "reviewbot-baseline", "version": 1, "findings": [{"fingerprint": "zz"}]}', "fingerprint"),
        ('{"schema": "reviewbot-baseline", "version": 1, "findings": [{"fingerprint": "0123456789abcdef", '
         '"count": 0}]}', "count"),
    ]:
        path.write_text(content)
        with pytest.raises(ReviewbotError, match=why) as exc:
            baseline.load(path)
        assert str(path) in str(exc.value)
    with pytest.raises(ReviewbotError, match="not found"):
        baseline.load(tmp_path / "missing.json")


def test_baseline_then_review_reports_only_new_findings(repo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("app.py", OLD)
    repo.write("lib/other.py", "print('x')\n")
    repo.commit("old code with findings")
    r = cli(repo.path, "baseline", "--analyzers", "marker")
    assert r.code == 0, r
    path = repo.path / ".reviewbot-baseline.json"
    doc = json.loads(path.read_text())
    assert {(f["path"], f["rule"]) for f in doc["findings"]} == {("app.py", "no-eval"), ("lib/other.py", "print")}
    assert "wrote 2 finding(s)" in r.err
    # the old finding moves (lines inserted above it) and a new one is added
    repo.write("app.py", "import ast\n\nX = 1\n\n\ndef load(text):\n    return eval(text)\n\n\n"
                         "def load2(text):\n    return eval(text + '!')\n")
    r = cli(repo.path, "review", "--analyzers", "marker", "--filter", "file", "--format", "json",
            "--baseline", str(path))
    out = json.loads(r.out)
    assert [(c["path"], c["line"]) for c in out["comments"]] == [("app.py", 11)]
    assert out["summary"]["cut"]["in-baseline"] == 1
    # without the baseline both are reported
    r = cli(repo.path, "review", "--analyzers", "marker", "--filter", "file", "--format", "json")
    assert len(json.loads(r.out)["comments"]) == 2


def test_review_with_a_corrupt_baseline_exits_2_naming_the_file(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    bad = flagged.path / "bad.json"
    bad.write_text("[]")
    r = cli(flagged.path, "review", "--analyzers", "marker", "--baseline", "bad.json")
    assert r.code == 2
    assert r.err.startswith("reviewbot: error: bad.json: not a valid reviewbot baseline")
    assert len(r.err.strip().splitlines()) == 1


def test_baseline_output_option_and_paths(repo, cli) -> None:  # type: ignore[no-untyped-def]
    repo.write("a.py", "eval(x)\n")
    repo.write("b/c.py", "eval(y)\n")
    repo.commit()
    r = cli(repo.path, "baseline", "--analyzers", "marker", "-o", "base/line.json", "-q", "b")
    assert r.code == 0 and r.err == ""
    doc = json.loads((repo.path / "base" / "line.json").read_text())
    assert [f["path"] for f in doc["findings"]] == ["b/c.py"]

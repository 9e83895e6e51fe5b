"""Suppression comments: ``# reviewbot: ignore[...]``, unused ones, and suppressions a change adds."""

from __future__ import annotations

import json

from reviewbot.models import AnalyzerStatus, Confidence, Finding, Severity, SourceFile, Status
from reviewbot.suppress import added_suppressions, apply, comments, parse, rule_matches

OK = (AnalyzerStatus("bandit", Status.OK), AnalyzerStatus("semgrep", Status.OK))


def finding(line: int, tool: str = "bandit", rule: str = "B602", end: int | None = None) -> Finding:
    return Finding(tool, rule, "a.py", line, end or line, Severity.ERROR, Confidence.HIGH, "msg")


def sf(text: str, added: set[int] | None = None) -> SourceFile:
    n = text.count("\n")
    return SourceFile("a.py", text, added_lines=frozenset(range(1, n + 1) if added is None else added),
                      hunks=((1, n),))


def test_rule_names_match_plain_tool_qualified_and_dotted_ids() -> None:
    assert rule_matches("B602", finding(1))
    assert rule_matches("b602", finding(1))
    assert rule_matches("bandit:B602", finding(1))
    assert not rule_matches("pylint:B602", finding(1))
    assert not rule_matches("B60", finding(1))
    dotted = finding(1, "semgrep", "reviewbot.rules.security.sqli-string-format")
    assert rule_matches("sqli-string-format", dotted)
    assert rule_matches("semgrep:sqli-string-format", dotted)


def test_only_real_comments_count() -> None:
    text = 's = "# reviewbot: ignore"\nx = 1  # reviewbot: ignore[B602, pylint:unused-import]\n'
    assert [s.line for s in parse(sf(text))] == [2]
    assert parse(sf(text))[0].rules == ("B602", "pylint:unused-import")
    # a file that does not tokenize still has its suppressions found
    assert [line for line, _ in comments("def f(:\n  x = (  # reviewbot: ignore\n")] == [2]


def test_ignore_drops_only_the_named_rules_on_its_lines() -> None:
    text = "import subprocess\nsubprocess.call(cmd, shell=True)  # reviewbot: ignore[B602]\nprint(1)\n"
    out = apply([finding(2), finding(2, "pylint", "unused-import"), finding(3)], [sf(text)], OK)
    assert [(f.line, f.rule_id) for f in out.findings] == [(2, "unused-import"), (3, "B602")]
    assert [f.line for f in out.suppressed] == [2]


def test_bare_ignore_drops_every_rule_and_multiline_findings_are_covered() -> None:
    text = "subprocess.call(\n    cmd,\n    shell=True,  # reviewbot: ignore\n)\n"
    out = apply([finding(1, end=4), finding(1, "pylint", "x", end=4)], [sf(text)], OK)
    assert out.findings == () and len(out.suppressed) == 2


def test_unused_suppression_is_reported_where_the_filter_shows_it() -> None:
    text = "x = 1  # reviewbot: ignore[B602]\ny = 2  # reviewbot: ignore\n"
    out = apply([], [sf(text, added={1})], OK, "added")
    assert out.notes == ("a.py:1: the change adds a suppression (reviewbot): `# reviewbot: ignore[B602]`",
                         "a.py:1: `# reviewbot: ignore[B602]` suppresses nothing; remove it")
    # line 2 is not part of the change: not reported with the default filter, reported with `file`
    out = apply([], [sf(text, added={1})], OK, "file")
    assert any("a.py:2: `# reviewbot: ignore` suppresses nothing" in n for n in out.notes)


def test_unused_is_not_claimed_when_the_analyzer_did_not_run_cleanly() -> None:
    text = "x = 1  # reviewbot: ignore[bandit:B602]\ny = 2  # reviewbot: ignore\n"
    failed = (AnalyzerStatus("bandit", Status.ERROR, message="crashed"), AnalyzerStatus("pylint", Status.OK))
    assert not [n for n in apply([], [sf(text)], failed, "nofilter").notes if "suppresses nothing" in n]
    assert not [n for n in apply([], [sf(text)], (), "nofilter").notes if "suppresses nothing" in n]


def test_suppressions_added_by_the_change_are_noted_with_what_they_hide() -> None:
    text = (
        "import subprocess  # nosec\n"
        "subprocess.call(cmd, shell=True)  # reviewbot: ignore[B602]\n"
        "import os  # pylint: disable=unused-import\n"
        "eval(x)  # nosemgrep: code-injection-eval\n"
        "old = 1  # nosec B105\n"
    )
    assert [(line, tool) for line, _, tool in added_suppressions(sf(text, added={1, 2, 3, 4}))] == [
        (1, "bandit"), (2, "reviewbot"), (3, "pylint"), (4, "semgrep")]
    out = apply([finding(2)], [sf(text, added={1, 2, 3, 4})], OK, "added")
    assert "a.py:2: the change adds a suppression (reviewbot): `# reviewbot: ignore[B602]`; it hides bandit:B602" \
        in out.notes
    assert not any("a.py:5" in n for n in out.notes)  # not added by this change
    # a whole-file review has no change: nothing is "added"
    assert not any("adds a suppression" in n for n in apply([], [sf(text)], OK, "nofilter").notes)


def test_review_end_to_end(flagged, cli) -> None:  # type: ignore[no-untyped-def]
    flagged.write("app.py", "import ast\n\n\ndef load(text):\n    return eval(text)  # reviewbot: ignore[no-eval]\n")
    r = cli(flagged.path, "review", "--analyzers", "marker", "--format", "json")
    doc = json.loads(r.out)
    assert r.code == 0, r
    assert doc["comments"] == []
    assert doc["summary"]["cut"]["suppressed"] == 1
    assert any("adds a suppression" in n and "it hides marker:no-eval" in n for n in doc["summary"]["notes"])
    # the same with a rule that does not match: reported, and the suppression is unused
    flagged.write("app.py", "import ast\n\n\ndef load(text):\n    return eval(text)  # reviewbot: ignore[print]\n")
    r = cli(flagged.path, "review", "--analyzers", "marker", "--format", "json")
    doc = json.loads(r.out)
    assert r.code == 1 and [c["origin"] for c in doc["comments"]] == ["marker:no-eval"]
    assert any("suppresses nothing" in n for n in doc["summary"]["notes"])

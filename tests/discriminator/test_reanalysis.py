"""Step 3: every patched variant is re-analysed in one batch with real analyzers, and findings are attributed."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewbot.discriminator.patching import Applied
from reviewbot.discriminator.core import Discriminator
from reviewbot.discriminator.reanalysis import compare, enclosing_function
from reviewbot.models import Comment, Confidence, Finding, Severity
from tests.discriminator.conftest import Counting, llm, reanalyzer, review_input, source_file

APP = '''import subprocess


def export(name):
    subprocess.run(f"tar czf /tmp/{name}.tgz data/", shell=True)
    return name


def load(blob):
    return eval(blob)
'''

FIXES = {
    "list-args": '    subprocess.run(["tar", "czf", name + ".tgz", "data/"], check=True)\n',
    "suppressed": '    subprocess.run(f"tar czf /tmp/{name}.tgz data/", shell=True)  # nosec\n',
    "two-lines": '    cmd = ["tar", "czf", name + ".tgz", "data/"]\n    subprocess.run(cmd, check=True)\n',
    "still-shell": '    subprocess.run("tar czf archive.tgz " + name, shell=True)\n',
    "no-parse": '    subprocess.run(["tar", "czf", name + ".tgz", "data/"]\n',
}


def f(rule: str, line: int, end: int | None = None) -> Finding:
    return Finding("bandit", rule, "a.py", line, end or line, Severity.WARNING, Confidence.HIGH, rule)


def applied_at(start: int, new: int, old: int) -> Applied:
    return Applied("", start, new, old)


def test_compare_maps_lines_through_the_fix() -> None:
    a = applied_at(5, 2, 1)  # line 5 replaced by two lines: what followed moves down by one
    base = [f("B602", 5), f("B307", 10)]
    variant = [f("B603", 5), f("B307", 11)]
    resolved, introduced = compare(base, variant, a)
    assert [x.rule_id for x in resolved] == ["B602"]
    assert [x.rule_id for x in introduced] == ["B603"]


def test_compare_counts_repeated_findings() -> None:
    a = applied_at(3, 1, 1)
    resolved, introduced = compare([f("X", 3), f("X", 3)], [f("X", 3)], a)
    assert len(resolved) == 1 and not introduced


def test_enclosing_function() -> None:
    assert enclosing_function(APP, 5) == ("export", 4)
    assert enclosing_function(APP, 1) == ("", 0)
    assert enclosing_function("class A:\n    def m(self):\n        pass\n", 3) == ("A.m", 2)


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Comment], Counting]:
    sf = source_file("pkg/app.py", APP)
    cands = [llm("pkg/app.py", 5, text, sample=i) for i, text in enumerate(FIXES.values())]
    cands.append(llm("pkg/app.py", 10, "    return ast.literal_eval(blob)\n", sample=9))
    cands.append(llm("pkg/app.py", 10, "    return pickle.loads(blob)\n", sample=10))
    counting = reanalyzer("bandit")
    comments, _ = Discriminator(counting).judge(cands, review_input([sf]))
    names = [*FIXES, "literal-eval", "pickle"]
    return dict(zip(names, comments)), counting


def test_one_batch_for_all_variants(judged: tuple[dict[str, Comment], Counting]) -> None:
    _, counting = judged
    # one call: the unpatched original once, plus every variant that applies and parses
    assert counting.batches == [1 + 4 + 2]


def test_a_fix_that_resolves_its_finding(judged: tuple[dict[str, Comment], Counting]) -> None:
    c = judged[0]["list-args"]
    assert c.verdict is not None
    assert "bandit:B602" in c.verdict.resolves and not c.verdict.introduces
    assert "not counted: bandit B603" in c.verdict.steps["reanalysis"] or "B603" not in c.verdict.steps["reanalysis"]
    assert c.suggestion is not None and "; verified: resolves bandit B602" in c.reason


def test_lines_after_a_multi_line_fix_are_mapped(judged: tuple[dict[str, Comment], Counting]) -> None:
    c = judged[0]["two-lines"]
    assert c.verdict is not None
    assert "bandit:B602" in c.verdict.resolves
    assert "bandit:B307" not in c.verdict.resolves + c.verdict.introduces  # the eval two lines down only moved


def test_suppression_and_partial_fixes_are_withheld(judged: tuple[dict[str, Comment], Counting]) -> None:
    sup = judged[0]["suppressed"]
    assert sup.suggestion is None and sup.verdict and sup.verdict.steps["suggestion"].startswith("withheld: only")
    still = judged[0]["still-shell"]
    assert still.verdict is not None and "bandit:B602" not in still.verdict.resolves


def test_a_fix_that_does_not_parse_is_not_reanalysed(judged: tuple[dict[str, Comment], Counting]) -> None:
    c = judged[0]["no-parse"]
    assert c.suggestion is None and c.verdict is not None
    assert c.verdict.parses is False and "reanalysis" not in c.verdict.steps
    assert c.verdict.steps["suggestion"] == "withheld: does not parse"


def test_a_fix_that_resolves_one_finding_and_introduces_another(judged: tuple[dict[str, Comment], Counting]) -> None:
    good, bad = judged[0]["literal-eval"], judged[0]["pickle"]
    assert good.verdict is not None and bad.verdict is not None
    assert "bandit:B307" in good.verdict.resolves and good.suggestion is not None
    assert "bandit:B307" in bad.verdict.resolves and "bandit:B301" in bad.verdict.introduces
    assert bad.suggestion is None and bad.verdict.steps["suggestion"] == "withheld: introduces bandit B301"
    # the fixes are ranked by their own score; the comments (same model, same lines) are judged on their own signals
    assert bad.verdict.fix_score is not None and good.verdict.fix_score is not None
    assert bad.verdict.fix_score < good.verdict.fix_score and bad.score == good.score


def test_scratch_copies_only(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "app.py").write_text(APP)
    sf = source_file("pkg/app.py", APP)
    Discriminator(reanalyzer("bandit")).judge([llm("pkg/app.py", 5, FIXES["list-args"])], review_input([sf]))
    assert (tree / "pkg" / "app.py").read_text() == APP
    assert sorted(p.name for p in tree.rglob("*")) == ["app.py", "pkg"]

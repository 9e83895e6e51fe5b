"""radon adapter: complexity before/after per changed function, thresholds, per-file time limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from radon.complexity import cc_rank
from reviewbot.analyzers.base import AnalysisContext
from reviewbot.analyzers.radon import Radon, RadonOptions

from reviewbot.models import AnalyzerResult, Metric, Severity, finding_fingerprint
from tests.analyzers.support import changed


def branches(name: str, n: int, indent: str = "") -> str:
    body = "".join(f"{indent}    if x == {i}:\n{indent}        return {i}\n" for i in range(n))
    return f"{indent}def {name}(x):\n{body}{indent}    return -1\n"


BEFORE = branches("parse", 5) + "\n\n" + "def stable():\n    return 1\n\n\ndef doomed():\n    return 2\n" + (
    "\n\nclass Box:\n" + branches("grow", 2, "    ")
)
AFTER = branches("parse", 16) + "\n\n" + "def stable():\n    return 1\n\n\n" + branches("fresh", 12) + (
    "\n\nclass Box:\n" + branches("grow", 8, "    ")
)


@pytest.fixture(scope="module")
def result() -> AnalyzerResult:
    files = [
        changed("pkg/mod.py", AFTER, BEFORE),
        changed("new.py", branches("small", 1)),
        changed("broken.py", "def f(:\n"),
        changed("empty.py", ""),
        changed("old_broken.py", branches("fine", 1), "def f(:\n"),
    ]
    return Radon().analyze(files, AnalysisContext(Path("/nonexistent"), RadonOptions()))


def metric(res: AnalyzerResult, path: str, symbol: str, name: str = "cc") -> Metric:
    return next(m for m in res.metrics if (m.path, m.symbol, m.name) == (path, symbol, name))


def test_metrics_before_and_after(result: AnalyzerResult) -> None:
    parse = metric(result, "pkg/mod.py", "parse")
    assert (parse.before, parse.after, parse.rank_before, parse.rank_after) == (6.0, 17.0, "B", "C")
    assert parse.rank_after == cc_rank(17) and parse.line == 1
    fresh = metric(result, "pkg/mod.py", "fresh")
    assert fresh.before is None and fresh.after == 13.0
    gone = metric(result, "pkg/mod.py", "doomed")
    assert gone.after is None and gone.before == 1.0 and gone.line == 0
    grow = metric(result, "pkg/mod.py", "Box.grow")
    assert (grow.before, grow.after) == (3.0, 9.0)
    mi = metric(result, "pkg/mod.py", "parse", "mi")
    assert mi.before is not None and mi.after is not None and mi.after < mi.before
    assert mi.rank_after in ("A", "B", "C")


def test_without_maintainability_complexity_and_findings_are_the_same(result: AnalyzerResult) -> None:
    files = [changed("pkg/mod.py", AFTER, BEFORE), changed("new.py", branches("small", 1))]
    lean = Radon().analyze(files, AnalysisContext(Path("/nonexistent"), RadonOptions(maintainability=False)))
    assert {m.name for m in lean.metrics} == {"cc"}
    assert set(lean.metrics) == {m for m in result.metrics if m.name == "cc" and m.path in ("pkg/mod.py", "new.py")}
    assert set(lean.findings) == {f for f in result.findings if f.path in ("pkg/mod.py", "new.py")}


def test_unchanged_functions_are_not_measured(result: AnalyzerResult) -> None:
    assert not any(m.symbol == "stable" for m in result.metrics)


def test_findings_for_threshold_and_jump(result: AnalyzerResult) -> None:
    by_symbol = {f.symbol: f for f in result.findings}
    assert set(by_symbol) == {"parse", "fresh", "Box.grow"}
    parse = by_symbol["parse"]
    assert parse.rule_id == "complexity-threshold" and parse.severity is Severity.WARNING
    assert parse.message.startswith("parse() went from 6 (B) to 17 (C)")
    assert parse.fingerprint == finding_fingerprint("radon", "complexity-threshold", "pkg/mod.py", "def parse(x):\n")
    assert by_symbol["fresh"].message.startswith("new function fresh() has cyclomatic complexity 13 (C)")
    grow = by_symbol["Box.grow"]  # 3 -> 9: under the threshold, but a jump of 6
    assert grow.rule_id == "complexity-jump" and grow.severity is Severity.INFO
    assert result.findings[0].path == "pkg/mod.py"


def test_new_files_and_bad_sources(result: AnalyzerResult) -> None:
    small = metric(result, "new.py", "small")
    assert small.before is None and small.after == 2.0
    assert not any(m.path in ("broken.py", "empty.py") for m in result.metrics)
    assert any(n.startswith("broken.py: syntax error") for n in result.notes)
    assert any("pre-image does not parse" in n for n in result.notes if n.startswith("old_broken.py"))
    fine = metric(result, "old_broken.py", "fine")
    assert fine.before is None and fine.after == 2.0


def test_thresholds_are_options() -> None:
    files = [changed("m.py", AFTER, BEFORE)]
    res = Radon().analyze(files, AnalysisContext(Path("/x"), RadonOptions(cc_threshold=30, cc_jump=50)))
    assert res.findings == ()
    assert len(res.metrics) == 2 * 4  # cc and mi of parse, fresh, doomed, Box.grow


def test_a_stalling_file_gets_its_time_limit_and_the_rest_is_measured() -> None:
    stall = "def slow():\n    text = '''\n" + "a = 1\n" * 20000 + "'''\n    return text\n"
    files = [changed("stall.py", stall), changed("after.py", branches("later", 3))]
    res = Radon().analyze(files, AnalysisContext(Path("/x"), RadonOptions(file_timeout=0.5)))
    assert "stall.py: radon timed out after 0.5 s" in res.notes
    assert metric(res, "after.py", "later").after == 4.0
    assert not any(m.path == "stall.py" for m in res.metrics)


# A straight test: three loops and a row of asserts, no other branch (urllib3's header-name test has this shape).
STRAIGHT_TEST = '''\
from app.headers import is_legal_name


def test_legal_header_names():
    assert is_legal_name(b"foo"), "foo"
    assert is_legal_name(b"foo-bar"), "foo-bar"
    assert is_legal_name(b"foo-bar-baz"), "foo-bar-baz"
    for i in range(0x00, 0x20):
        assert not is_legal_name(f"foo{chr(i)}bar".encode()), i
    for i in range(0x41, 0x5A):
        assert not is_legal_name(f"foo{chr(i)}bar".encode()), i
    for i in range(0x7F, 0xFF):
        assert not is_legal_name(f"foo{chr(i)}bar".encode()), i
    assert not is_legal_name(b"foo bar"), "foo bar"
    assert not is_legal_name(b"Foo-Bar"), "Foo-Bar"
    assert not is_legal_name(b":foo"), ":foo"
    assert not is_legal_name(b"foo:bar"), "foo:bar"
    assert not is_legal_name(b"foo:"), "foo:"
'''


def test_asserts_are_not_branches() -> None:
    """A row of asserts is one path: radon's default (+1 per assert) made this test "complexity 15 (C), consider
    splitting it"; it is 4 (the function and its three loops)."""
    files = [changed("tests/test_headers.py", STRAIGHT_TEST)]
    res = Radon().analyze(files, AnalysisContext(Path("/x"), RadonOptions()))
    assert metric(res, "tests/test_headers.py", "test_legal_header_names").after == 4.0
    assert res.findings == ()
    counted = Radon().analyze(files, AnalysisContext(Path("/x"), RadonOptions(count_asserts=True)))
    assert metric(counted, "tests/test_headers.py", "test_legal_header_names").after == 15.0
    assert [f.rule_id for f in counted.findings] == ["complexity-threshold"]


def test_overloads_added_to_a_function_leave_it_paired_with_its_old_self() -> None:
    """click#3372 (bench/static_merged): a function already complex before gains ``@overload`` stubs and loses
    branches; it was paired with the first stub by order of appearance and reported as "new function convert()
    has cyclomatic complexity 12 (C)"."""
    before = "import typing as t\n\n\n" + branches("convert", 13)
    stubs = "".join(f"@t.overload\ndef convert(x: {ty}) -> {ty}: ...\n\n\n" for ty in ("int", "str"))
    after = "import typing as t\n\n\n" + stubs + branches("convert", 11)
    res = Radon().analyze([changed("pkg/types.py", after, before)], AnalysisContext(Path("/x"), RadonOptions()))
    impl = next(m for m in res.metrics if m.symbol == "convert" and m.name == "cc" and m.after == 12.0)
    assert impl.before == 14.0  # measured against the old implementation: not new, and simpler than before
    assert res.findings == ()


def test_a_function_tipped_over_the_threshold_by_a_small_change_is_info() -> None:
    """The change adds two branches to a function of 10: it crosses the threshold, but the complexity is not the
    change's doing. A warning (posted) only for new functions or a crossing by cc_jump or more."""
    res = Radon().analyze([changed("pkg/m.py", branches("near", 11), branches("near", 9))],
                          AnalysisContext(Path("/x"), RadonOptions()))
    (near,) = res.findings
    assert near.message.startswith("near() went from 10 (B) to 12 (C)")
    assert near.rule_id == "complexity-threshold" and near.severity is Severity.INFO
    strict = Radon().analyze([changed("pkg/m.py", branches("near", 11), branches("near", 9))],
                             AnalysisContext(Path("/x"), RadonOptions(cc_jump=2)))
    assert strict.findings[0].severity is Severity.WARNING  # crossed and grew by cc_jump (2)

"""Placement and selection (reviewbot/filtering.py): every finding is placed once, and one function keeps,
moves (to the summary) or cuts it, counting each cut by its reason."""

from __future__ import annotations

from reviewbot.filtering import place_all, select
from reviewbot.models import Confidence, DiffPosition, Finding, Severity, SourceFile

TEXT = "".join(f"x{n} = {n}\n" for n in range(1, 21))
CHANGED = SourceFile("a.py", TEXT, added_lines=frozenset({5}), hunks=((3, 7),))
DATA = SourceFile("data.py", TEXT, added_lines=frozenset({1}), hunks=((1, 1),))


def finding(path: str, line: int, rule: str = "r") -> Finding:
    return Finding("t", rule, path, line, line, Severity.WARNING, Confidence.HIGH, "m")


def test_every_finding_is_placed_relative_to_the_change() -> None:
    placed = place_all([finding("a.py", 5), finding("a.py", 3), finding("a.py", 15), finding("other.py", 1)],
                       [CHANGED])
    assert [f.position for f in placed] == [DiffPosition.ADDED, DiffPosition.HUNK, DiffPosition.FILE,
                                            DiffPosition.UNKNOWN]


def test_one_decision_per_finding_with_the_cut_reasons_counted() -> None:
    findings = [
        finding("a.py", 5),  # 0 kept
        finding("a.py", 5, "suppressed"),  # 1 suppressed where the mode looks: counted
        finding("a.py", 15, "suppressed"),  # 2 suppressed outside the view: not counted
        finding("a.py", 5, "known"),  # 3 in the baseline where the mode looks: counted
        finding("data.py", 1, "style"),  # 4 not reported in a data file
        finding("a.py", 3),  # 5 context line: outside the "added" filter
        finding("other.py", 1),  # 6 a file the change does not touch: moved to the summary
        finding("data.py", 1, "style-suppressed"),  # 7 suppressed wins over "in data"
    ]
    placed = place_all(findings, [CHANGED, DATA])
    seen: list[int] = []

    def lower(fs: list[Finding] | tuple[Finding, ...]) -> tuple[tuple[Finding, ...], int]:
        seen.extend(f.line for f in fs)
        return tuple(fs), 1

    out = select(placed, "added", suppressed={1, 2, 7}, known={3},
                 unreported=lambda f: f.path == "data.py", lower=lower)
    assert out.kept == (placed[0],)
    assert out.elsewhere == (placed[6],)
    assert out.cut == {"suppressed": 2, "in-baseline": 1, "in-data-file": 1, "outside-diff-filter": 1}
    assert sorted(seen) == [1, 3, 5] and out.lowered == 1  # only what no marker or kind cut is lowered
    wide = select(placed, "diff_context", suppressed={1, 2, 7}, known={3},
                  unreported=lambda f: f.path == "data.py")
    assert wide.kept == (placed[0], placed[5]) and "outside-diff-filter" not in wide.cut

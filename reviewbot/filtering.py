"""Filter by diff, do not drop: each finding is placed once, relative to the change, and one function decides
what is reported (reviewdog's levels and its tag-once, decide-once filter).

The filter modes:

- ``added`` (default): findings on lines the change added, except lines that only move or re-indent code the file
  already had (``MOVED``: a finding there was there before the change);
- ``diff_context``: findings anywhere inside a hunk (added or context lines);
- ``file``: findings anywhere in a changed file;
- ``nofilter``: everything (whole-file review with ``--all-files``).

``place_all`` tags every finding with its ``DiffPosition`` right after the analyzers ran; the suppression
comments (``reviewbot.suppress``), the baseline (``reviewbot.baseline``) and the base version's findings
(``reviewbot.preexisting``: what the change only touched, not introduced) only mark findings; ``select`` then
keeps, moves (to the summary) or cuts each one, and counts every cut by its reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace

from reviewbot.models import DiffPosition, Finding, SourceFile

_SHOWN = {
    "added": {DiffPosition.ADDED},
    "diff_context": {DiffPosition.ADDED, DiffPosition.MOVED, DiffPosition.HUNK},
    "file": {DiffPosition.ADDED, DiffPosition.MOVED, DiffPosition.HUNK, DiffPosition.FILE},
}

# Why a finding is cut; the summary lists them in this order.
IN_DATA = "in-data-file"  # in a data file, and not a kind of finding that matters there
OUTSIDE = "outside-diff-filter"  # in a changed file, where the filter mode does not look
MOVED_CODE = "on-moved-lines"  # on added lines that only move or re-indent code the file already had
PRE_EXISTING = "pre-existing"  # on added lines, but the base version had it on the same code (reviewbot.preexisting)
SUPPRESSED = "suppressed"  # hidden by the code's own markers, where the filter mode looks
KNOWN = "in-baseline"  # in the baseline, where the filter mode looks
REASONS = (IN_DATA, OUTSIDE, MOVED_CODE, PRE_EXISTING, SUPPRESSED, KNOWN)


def moved_lines(sf: SourceFile) -> frozenset[int]:
    """The added lines that bring nothing new: their code (ignoring indentation) is in the pre-image at least as
    often as in the post-image, so the change moved or re-indented it. A copied line is new (its count rises)."""
    if sf.before is None or not sf.added_lines:
        return frozenset()
    before = Counter(line.strip() for line in sf.before.splitlines())
    lines = sf.text.splitlines()
    after = Counter(line.strip() for line in lines)
    out = set()
    for n in sf.added_lines:
        code = lines[n - 1].strip() if 0 < n <= len(lines) else ""
        if code and before[code] >= after[code]:
            out.add(n)
    return frozenset(out)


def position(line: int, end_line: int, sf: SourceFile | None, moved: frozenset[int] = frozenset()) -> DiffPosition:
    if sf is None:
        return DiffPosition.UNKNOWN
    span = range(line, max(line, end_line) + 1)
    added = [n for n in span if n in sf.added_lines]
    if added:
        return DiffPosition.MOVED if all(n in moved for n in added) else DiffPosition.ADDED
    if any(start <= n <= end for n in span for start, end in sf.hunks):
        return DiffPosition.HUNK
    return DiffPosition.FILE


def place(finding: Finding, sf: SourceFile | None, moved: frozenset[int] = frozenset()) -> Finding:
    return replace(finding, position=position(finding.line, finding.end_line, sf, moved))


def place_all(findings: Sequence[Finding], files: Sequence[SourceFile]) -> tuple[Finding, ...]:
    """Every finding tagged with where it sits relative to the change (``UNKNOWN``: a file the change does not
    touch)."""
    by_path = {sf.path: sf for sf in files}
    moved: dict[str, frozenset[int]] = {}
    out = []
    for f in findings:
        sf = by_path.get(f.path)
        if sf is not None and sf.path not in moved:
            moved[sf.path] = moved_lines(sf)
        out.append(place(f, sf, moved.get(f.path, frozenset())))
    return tuple(out)


def visible(finding: Finding, mode: str) -> bool:
    return shown(finding.position, mode)


def shown(pos: DiffPosition, mode: str) -> bool:
    """Whether the filter mode reports what sits at ``pos``."""
    return mode == "nofilter" or pos in _SHOWN[mode]


@dataclass(frozen=True)
class Selection:
    """What ``select`` decided: the findings reported inline, those moved to the summary, cuts by reason."""

    kept: tuple[Finding, ...] = ()
    elsewhere: tuple[Finding, ...] = ()  # in a file the change does not touch: about the change, not inline
    cut: Counter[str] = field(default_factory=Counter)
    lowered: int = 0  # findings ``lower`` changed (ranked as info in test code)


def _never(_finding: Finding) -> bool:
    return False


def _unchanged(findings: Sequence[Finding]) -> tuple[tuple[Finding, ...], int]:
    return tuple(findings), 0


def select(
    findings: Sequence[Finding],
    mode: str,
    *,
    suppressed: Collection[int] = (),
    known: Collection[int] = (),
    pre_existing: Collection[int] = (),
    unreported: Callable[[Finding], bool] = _never,
    lower: Callable[[Sequence[Finding]], tuple[tuple[Finding, ...], int]] = _unchanged,
) -> Selection:
    """Decide the fate of each placed finding, in this order:

    1. ``suppressed`` (indices into ``findings``): cut; counted as ``suppressed`` where the mode looks;
    2. ``known`` (in the baseline): cut; counted as ``in-baseline`` where the mode looks;
    3. ``pre_existing`` (the base version had it, ``reviewbot.preexisting``): cut; counted as ``pre-existing``;
    4. ``unreported`` (e.g. a style finding in a data file): cut, counted as ``in-data-file``;
    5. what is left goes through ``lower`` (which may lower severities), then: shown by the mode -> kept; in
       a file the change does not touch -> moved to the summary (never dropped); on lines that only move code
       -> cut as ``on-moved-lines``; else cut as ``outside-diff-filter``.
    """
    cut: Counter[str] = Counter()
    left: list[Finding] = []
    for i, f in enumerate(findings):
        if i in suppressed or i in known:
            if visible(f, mode):
                cut[SUPPRESSED if i in suppressed else KNOWN] += 1
        elif i in pre_existing:
            cut[PRE_EXISTING] += 1
        elif unreported(f):
            cut[IN_DATA] += 1
        else:
            left.append(f)
    lowered_findings, lowered = lower(left)
    kept: list[Finding] = []
    elsewhere: list[Finding] = []
    for f in lowered_findings:
        if visible(f, mode):
            kept.append(f)
        elif f.position is DiffPosition.UNKNOWN:
            elsewhere.append(f)
        elif f.position is DiffPosition.MOVED:
            cut[MOVED_CODE] += 1
        else:
            cut[OUTSIDE] += 1
    return Selection(tuple(kept), tuple(elsewhere), cut, lowered)

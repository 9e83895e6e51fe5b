"""Filter by diff, do not drop: each finding is tagged with where it sits relative to the change, and the filter
mode decides what is reported (reviewdog's levels).

- ``added`` (default): findings on lines the change added;
- ``diff_context``: findings anywhere inside a hunk (added or context lines);
- ``file``: findings anywhere in a changed file;
- ``nofilter``: everything (whole-file review with ``--all-files``).
"""

from __future__ import annotations

from dataclasses import replace

from reviewbot.models import DiffPosition, Finding, SourceFile

_SHOWN = {
    "added": {DiffPosition.ADDED},
    "diff_context": {DiffPosition.ADDED, DiffPosition.HUNK},
    "file": {DiffPosition.ADDED, DiffPosition.HUNK, DiffPosition.FILE},
}


def position(line: int, end_line: int, sf: SourceFile | None) -> DiffPosition:
    if sf is None:
        return DiffPosition.UNKNOWN
    span = range(line, max(line, end_line) + 1)
    if any(n in sf.added_lines for n in span):
        return DiffPosition.ADDED
    if any(start <= n <= end for n in span for start, end in sf.hunks):
        return DiffPosition.HUNK
    return DiffPosition.FILE


def place(finding: Finding, sf: SourceFile | None) -> Finding:
    return replace(finding, position=position(finding.line, finding.end_line, sf))


def visible(finding: Finding, mode: str) -> bool:
    return shown(finding.position, mode)


def shown(pos: DiffPosition, mode: str) -> bool:
    """Whether the filter mode reports what sits at ``pos``."""
    return mode == "nofilter" or pos in _SHOWN[mode]

"""Where an inline comment may sit: checked locally against the PR diff before anything is posted.

GitHub accepts a review comment on the right side (``side=RIGHT``) only on a line inside a hunk of the PR diff (an
added or a context line), and a multi-line comment only when ``start_line`` and ``line`` lie in the same hunk.
A suggestion replaces exactly the anchored lines, so a comment with a suggestion is anchored on exactly its lines
or not at all; one without may be narrowed to the part of its lines inside the first hunk they touch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reviewbot.diff import ChangedFile, FileStatus, Patch
from reviewbot.models import Comment


@dataclass(frozen=True)
class Anchor:
    path: str
    start_line: int
    line: int  # the last line (GitHub's ``line``)
    narrowed: bool = False  # the comment's own range was cut to fit one hunk (its suggestion is then dropped)

    def api_fields(self) -> dict[str, object]:
        out: dict[str, object] = {"path": self.path, "line": self.line, "side": "RIGHT"}
        if self.start_line < self.line:
            out.update(start_line=self.start_line, start_side="RIGHT")
        return out


def files_by_path(patch: Patch) -> dict[str, ChangedFile]:
    return {f.path: f for f in patch.files if f.status is not FileStatus.DELETED}


def right_hunks(f: ChangedFile) -> list[tuple[int, int]]:
    return [(h.target_start, h.target_end) for h in f.hunks if h.target_length > 0]


def anchor(c: Comment, files: Mapping[str, ChangedFile]) -> Anchor | str:
    """The anchor of ``c`` in the diff, or the reason it cannot be posted inline."""
    f = files.get(c.path)
    if f is None:
        return "file not in the pull request diff"
    start, end = c.line, max(c.line, c.end_line)
    if start < 1:
        return "no line to comment on"
    hunks = right_hunks(f)
    for lo, hi in hunks:
        if lo <= start and end <= hi:
            return Anchor(c.path, start, end)
    if c.suggestion is not None:
        return "lines not inside one hunk of the diff (a suggestion must replace exactly its lines)"
    for lo, hi in hunks:
        if start <= hi and lo <= end:
            return Anchor(c.path, max(lo, start), min(hi, end), narrowed=True)
    return "lines outside the diff"

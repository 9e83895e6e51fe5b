"""The job summary (``$GITHUB_STEP_SUMMARY``): the review as markdown, within the step summary limit.

It is planned before anything is published (so the summary comment can say which comments it lists) and written at
the end, with notes that say what it left out and where that is. The listing is cut at a comment boundary: the job
summary lists the first ``listed`` comments of the review (``accounting.everything`` order), and ``TAIL_ROOM`` bytes
stay free for the notes, so the whole file stays within its byte budget (``limits.STEP_SUMMARY_BUDGET``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reviewbot.models import Review
from reviewbot.publishers.markdown import comment_block, escape_inline, summary_table

from . import limits
from .accounting import everything
from .bodies import truncate

TAIL_ROOM = 16 * 1024  # bytes kept for the notes at the end
MIN_BUDGET = 2 * TAIL_ROOM  # with less room left in the file, no job summary is written


def size(text: str) -> int:
    """Bytes as written to the file (the runner compares the file's size)."""
    return len(text.encode("utf-8"))


def _cut(text: str, max_bytes: int) -> str:
    """``text`` within ``max_bytes`` (``truncate`` counts UTF-16 units; a unit is at most 3 bytes in UTF-8)."""
    return text if size(text) <= max_bytes else truncate(text, max(1, max_bytes // 3), "… (truncated)")


@dataclass(frozen=True)
class JobSummary:
    head: str
    listing: str  # the comment sections that fit
    listed: int  # the first ``listed`` comments of the review are in the listing
    total: int
    budget: int  # bytes the whole text may take

    def render(self, notes: Sequence[str], tail: str = "") -> str:
        """The summary with ``notes`` (escaped, as many as fit) and then ``tail`` (reviewbot's own markdown, such
        as the timings table: it takes part of ``TAIL_ROOM`` and is dropped if it does not fit)."""
        text = (self.head + self.listing).rstrip("\n")
        end = "\n\n" + tail.rstrip("\n") if tail else ""
        if size(text) + size(end) + 1 > self.budget:
            end = ""
        for note in notes:
            room = self.budget - size(text) - size(end) - 4
            line = _cut("> " + escape_inline(note).replace("\n", " "), room)
            if room <= 0 or size(line) > room:
                break
            text += "\n\n" + line
        return text + end + "\n"


def plan(review: Review, *, budget: int = limits.STEP_SUMMARY_BUDGET) -> JobSummary:
    """The job summary of ``review`` within ``budget`` bytes: as many comments as fit, in order, none cut."""
    comments = everything(review)
    room = budget - TAIL_ROOM
    head = _cut("## reviewbot\n\n" + summary_table(review), room // 2)
    used = size(head)
    parts: list[str] = []
    listed = 0
    for i, c in enumerate(comments):
        heading = "### Comments" if i == 0 and review.comments else ""
        if i == len(review.comments):
            heading = "### Outside the diff"
        part = (f"\n\n{heading}" if heading else "") + "\n\n" + comment_block(c)
        if used + size(part) > room:
            break
        parts.append(part)
        used += size(part)
        listed += 1
    return JobSummary(head, "".join(parts), listed, len(comments), budget)

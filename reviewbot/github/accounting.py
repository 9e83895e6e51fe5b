"""Where the comments of a review end up, and the sentence that says so.

The comments of a review are numbered in one order everywhere: ``review.comments``, then
``review.summary.moved_to_summary`` (the order of the job summary and of the SARIF results). A place (an inline
comment, the summary comment, the job summary, the annotations GitHub shows, the SARIF file) holds some of them. A
place that cannot hold every comment it should says how many it left out and, counted, where those are: "all N" only
when it is all of them, and "listed nowhere else: N" for those no place has.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from reviewbot.models import Comment, Review
from reviewbot.publishers.markdown import escape_inline

from .limits import ANNOTATIONS_PER_JOB, ANNOTATIONS_PER_LEVEL, STEP_SUMMARY_BUDGET

JOB_SUMMARY = "the job summary of this run"
INLINE = "inline comments on the pull request"
SUMMARY_COMMENT = "the summary comment on the pull request"
ANNOTATIONS = "the annotations of this step"
NO_SARIF_HINT = " (no SARIF file is written: set the sarif-output input to keep every comment in one)"


def everything(review: Review) -> list[Comment]:
    """The review's comments in the one order every place numbers them by."""
    return list(review.comments) + list(review.summary.moved_to_summary)


@dataclass(frozen=True)
class Place:
    """A place that lists comments of the review: its name as the user reads it, and which comments it has."""

    name: str
    holds: frozenset[int] | None = None  # indices of the comments it lists; None: every one

    def has(self, missing: Collection[int]) -> set[int]:
        return set(missing) if self.holds is None else set(missing) & self.holds


def sarif(path: str) -> Place:
    return Place(f"the SARIF file `{escape_inline(path.replace('`', ''))}`")


def job_summary(listed: int) -> Place:
    """The job summary lists the first ``listed`` comments (it is cut at a comment boundary)."""
    return Place(JOB_SUMMARY, frozenset(range(listed)))


def whereabouts(missing: Collection[int], places: Sequence[Place], *, hint: str = "") -> str:
    """``Where they are — P: all 12; Q: 5; listed nowhere else: 7.`` for the comments ``missing`` from a place.

    Only places that have some of them are named, each with its exact count; ``hint`` follows the "nowhere" count.
    """
    total = len(set(missing))
    if not total:
        return ""
    parts: list[str] = []
    covered: set[int] = set()
    for place in places:
        have = place.has(missing)
        if have:
            covered |= have
            parts.append(f"{place.name}: " + (f"all {total}" if len(have) == total else str(len(have))))
    nowhere = total - len(covered)
    if nowhere:
        parts.append(f"listed nowhere else: {nowhere}{hint}")
    return "Where they are — " + "; ".join(parts) + "."


def annotations_note(total: int, hidden: Collection[int], places: Sequence[Place], *, hint: str = "") -> str:
    """What the annotations do not show: GitHub shows the first 10 of each level of a step (and 50 per job)."""
    if not hidden:
        return ""
    return (
        f"GitHub shows {ANNOTATIONS_PER_LEVEL} error, {ANNOTATIONS_PER_LEVEL} warning and {ANNOTATIONS_PER_LEVEL} "
        f"notice annotations per step ({ANNOTATIONS_PER_JOB} per job): {len(hidden)} of the {total} comment(s) are "
        f"not shown as annotations. " + whereabouts(hidden, places, hint=hint)
    )


def job_summary_note(listed: int, total: int, places: Sequence[Place], *, hint: str = "") -> str:
    """What the job summary left out: the comments after the first ``listed``."""
    if listed >= total:
        return ""
    return (
        f"… {total - listed} more comment(s) not listed here: a step summary is limited to 1 MiB "
        f"({STEP_SUMMARY_BUDGET:,} bytes with a safety margin). " + whereabouts(range(listed, total), places, hint=hint)
    )

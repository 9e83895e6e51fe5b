"""The last step of ranking: merge overlapping comments, apply the score threshold and the noise budget."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from reviewbot.models import Comment


def _overlaps(a: Comment, b: Comment) -> bool:
    return a.path == b.path and a.line <= b.end_line and b.line <= a.end_line


def merge_overlapping(comments: Sequence[Comment]) -> tuple[list[Comment], int]:
    """Keep the best comment of each group of overlapping ones (best first), citing every source.

    Returns the merged comments (best first) and how many were folded into others.
    """
    kept: list[Comment] = []
    folded = 0
    for c in sorted(comments, key=rank_key):
        for i, k in enumerate(kept):
            if _overlaps(k, c):
                sources = tuple(dict.fromkeys(k.sources + c.sources + (c.origin,)))
                suggestion = k.suggestion if k.suggestion is not None else _compatible_suggestion(k, c)
                kept[i] = replace(k, sources=sources, suggestion=suggestion)
                folded += 1
                break
        else:
            kept.append(replace(c, sources=c.sources or (c.origin,)))
    return kept, folded


def _compatible_suggestion(keep: Comment, other: Comment) -> str | None:
    if other.suggestion is not None and (other.line, other.end_line) == (keep.line, keep.end_line):
        return other.suggestion
    return None


def rank_key(c: Comment) -> tuple[float, int, str, int]:
    """Best first: higher score, then higher severity, then by place (deterministic)."""
    return (-c.score, -c.severity.rank, c.path, c.line)


def apply_budget(
    comments: Sequence[Comment], *, min_score: float, max_total: int, max_per_file: int
) -> tuple[list[Comment], list[Comment], Counter[str]]:
    """(reported, cut, cut reasons): threshold first, then at most ``max_per_file`` per file, ``max_total`` in all."""
    reported: list[Comment] = []
    cut: list[Comment] = []
    reasons: Counter[str] = Counter()
    per_file: Counter[str] = Counter()
    for c in sorted(comments, key=rank_key):
        if c.score < min_score:
            reasons["below-threshold"] += 1
            cut.append(c)
        elif per_file[c.path] >= max_per_file:
            reasons["over-per-file-budget"] += 1
            cut.append(c)
        elif len(reported) >= max_total:
            reasons["over-review-budget"] += 1
            cut.append(c)
        else:
            reported.append(c)
            per_file[c.path] += 1
    return reported, cut, reasons

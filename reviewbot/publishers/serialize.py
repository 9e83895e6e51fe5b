"""Plain-data form of the review values (for JSON, SARIF and the GitHub publisher)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any

from reviewbot import __version__
from reviewbot.kindsummary import summary_line
from reviewbot.models import Comment, Review

SCHEMA_VERSION = 1


def plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def comment_data(c: Comment) -> dict[str, Any]:
    tool, _, rule = c.origin.partition(":")
    data = plain(c)
    data["tool"] = tool
    data["rule"] = rule
    return data


def review_data(review: Review, *, source: str = "") -> dict[str, Any]:
    s = review.summary
    return {
        "schema": "reviewbot-review",
        "version": SCHEMA_VERSION,
        "tool": {"name": "reviewbot", "version": __version__},
        "source": source,
        "comments": [comment_data(c) for c in review.comments],
        "summary": {
            "counts": review.counts(),
            "files_reviewed": list(s.files_reviewed),
            "files_skipped": plain(s.files_skipped),
            "analyzers": plain(s.analyzers),
            "metrics": plain(s.metrics),
            "cut": dict(s.cut),
            "notes": list(s.notes),
            "moved_to_summary": [comment_data(c) for c in s.moved_to_summary],
            "python": s.python,
            "file_kinds": {
                "line": summary_line(s.file_kinds),
                "counts": {k: sum(1 for f in s.file_kinds if f.kind.value == k) for k in ("source", "tests", "data")},
                "files": plain(s.file_kinds),
            },
        },
        # every comment that clears the threshold is in "comments" (posted) or "over_budget" (cut by the noise budget)
        "over_budget": [comment_data(c) for c in review.over_budget],
        "rejected": [comment_data(c) for c in review.rejected],
        "stats": plain(review.stats),
    }

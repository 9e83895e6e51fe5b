"""Dropping an adapter's findings that a check of the code shows are harmless, with one note per file saying how
many (used by bandit's pickle round trips and by the inert-data filter)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reviewbot.models import Finding


def drop(
    findings: Sequence[Finding], harmless: Callable[[Finding], bool], note: str
) -> tuple[list[Finding], list[str]]:
    """``findings`` without the harmless ones, and ``f"{path}: {n} {note}"`` for each file that had some."""
    kept: list[Finding] = []
    dropped: dict[str, int] = {}
    for f in findings:
        if harmless(f):
            dropped[f.path] = dropped.get(f.path, 0) + 1
        else:
            kept.append(f)
    return kept, [f"{path}: {n} {note}" for path, n in dropped.items()]

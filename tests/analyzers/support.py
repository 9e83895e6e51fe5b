"""Helpers for the analyzer tests: SourceFiles built the way the pipeline builds them, and a scratch work tree."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from reviewbot.models import SourceFile


def changed(path: str, after: str, before: str | None = None, old_path: str | None = None) -> SourceFile:
    """A SourceFile with the added lines and hunks a unified diff of ``before`` -> ``after`` would give."""
    new_lines = after.splitlines()
    if before is None:
        added = frozenset(range(1, len(new_lines) + 1))
        hunks = ((1, len(new_lines)),) if new_lines else ()
        return SourceFile(path, after, None, old_path, added, hunks)
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=new_lines, autojunk=False)
    added_set: set[int] = set()
    hunks_list: list[tuple[int, int]] = []
    for group in matcher.get_grouped_opcodes(3):
        first, last = group[0], group[-1]
        hunks_list.append((first[3] + 1, max(first[3] + 1, last[4])))
        for tag, _i1, _i2, j1, j2 in group:
            if tag in ("replace", "insert"):
                added_set.update(range(j1 + 1, j2 + 1))
    return SourceFile(path, after, before, old_path, frozenset(added_set), tuple(hunks_list))


def materialize(workdir: Path, files: Iterable[SourceFile]) -> Path:
    """Write each post-image to ``workdir / path`` the way the pipeline does (UTF-8, newlines kept)."""
    for sf in files:
        target = workdir / sf.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(sf.text, encoding="utf-8", newline="")
    return workdir


def by_rule(findings: Iterable[object]) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for f in findings:
        out.setdefault(f.rule_id, []).append(f)  # type: ignore[attr-defined]
    return out

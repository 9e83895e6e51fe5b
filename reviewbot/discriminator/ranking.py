"""The last step of ranking: merge overlapping comments, apply the score threshold and the noise budget.

Order: higher score first; at equal score source before tests before data (reviewbot/filekinds.py), then severity.
The noise budget (``max-comments``, ``max-comments-per-file``) is spread: one top-level directory (``tests/``,
``src/``; files at the root count as one) gets at most half of ``max-comments`` (at least 1) while other directories
have comments waiting; what is left after every directory had its share goes to the best comments held back.

A comment that repeats a better one in the same file (same tool and rule on a line of the same text, e.g. one
copy-pasted call flagged three times) is not posted again: the first says where else it applies, the repeats end up
over the budget (``repeat``).

A comment that clears the threshold but not the budget ends up in ``Ranked.over_budget`` (JSON and SARIF carry it;
nothing posts it). Everything else that is not reported (below the threshold, merged) ends up in ``Ranked.rejected``.
Each has a ``budget`` step saying why, and the reasons are counted for the summary (``Ranked.cut``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from reviewbot.contracts import Ranked
from reviewbot.models import Comment


def _overlaps(a: Comment, b: Comment) -> bool:
    return a.path == b.path and a.line <= b.end_line and b.line <= a.end_line


def rank_key(c: Comment) -> tuple[float, int, int, str, int, str]:
    """Best first: higher score, then source before tests before data, then higher severity, then by place and
    origin (deterministic)."""
    return (-c.score, c.kind.order, -c.severity.rank, c.path, c.line, c.origin)


def top_directory(path: str) -> str:
    """The first directory of ``path`` (``tests/``), or ``./`` for a file at the root."""
    head, sep, _ = path.partition("/")
    return f"{head}/" if sep else "./"


def directory_share(max_total: int) -> int:
    """At most this many reported comments from one top-level directory while others have comments waiting."""
    return max(1, max_total // 2)


def with_step(c: Comment, step: str, outcome: str) -> Comment:
    """``c`` with one more step recorded in its verdict."""
    if c.verdict is None:
        return c
    steps = dict(c.verdict.steps)
    steps[step] = outcome
    return replace(c, verdict=replace(c.verdict, steps=steps))


def _groups(comments: Sequence[Comment]) -> list[list[Comment]]:
    """Comments grouped by overlap (transitively), each group best first, groups in order of their best."""
    ordered = sorted(comments, key=rank_key)
    parent = list(range(len(ordered)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_path: dict[str, list[int]] = {}
    for i, c in enumerate(ordered):
        by_path.setdefault(c.path, []).append(i)
    for members in by_path.values():
        members.sort(key=lambda i: (ordered[i].line, ordered[i].end_line))
        reach, owner = -1, -1
        for i in members:
            if ordered[i].line <= reach:
                parent[root(i)] = root(owner)
            if ordered[i].end_line > reach:
                reach, owner = ordered[i].end_line, i
    groups: dict[int, list[Comment]] = {}
    for i, c in enumerate(ordered):
        groups.setdefault(root(i), []).append(c)
    return sorted(groups.values(), key=lambda g: rank_key(g[0]))


def _fix_score(c: Comment) -> float | None:
    return c.verdict.fix_score if c.verdict is not None else None


def merge_overlapping(comments: Sequence[Comment], min_score: float) -> tuple[list[Comment], list[Comment]]:
    """One comment per group of overlapping ones, citing every source; (merged best first, folded).

    The best-scored comment leads. When it has no verified suggestion but another member of the group has one and
    clears the threshold on its own, that member leads instead (keep the best fix), with its own score.
    """
    merged: list[Comment] = []
    folded: list[Comment] = []
    for group in _groups(comments):
        lead = group[0]
        if lead.suggestion is None or _fix_score(lead) is not None:
            fixes = [c for c in group if c.suggestion is not None and c.score >= min_score]
            if fixes:
                lead = max(fixes, key=lambda c: (_fix_score(c) or c.score, -group.index(c)))
        sources = tuple(dict.fromkeys([lead.origin, *(c.origin for c in group)]))
        merged.append(replace(lead, sources=sources))
        where = f"{lead.path}:{lead.line}"
        folded += [
            with_step(c, "budget", f"merged into the comment of {lead.origin} at {where}") for c in group if c is not lead
        ]
    merged.sort(key=rank_key)
    return merged, folded


def _repeat_key(c: Comment) -> tuple[str, str, str]:
    return (c.path, c.origin, " ".join(c.code.split()))


REPEATS_LISTED = 10  # line numbers named in the comment that the repeats fold into


def _elsewhere(lines: list[int]) -> str:
    """``The same at lines 10, 15 of this file.`` (at most ``REPEATS_LISTED`` numbers, then how many more)."""
    shown = ", ".join(str(n) for n in lines[:REPEATS_LISTED])
    more = f" and {len(lines) - REPEATS_LISTED} more" if len(lines) > REPEATS_LISTED else ""
    return f"The same at line{'s' if len(lines) > 1 else ''} {shown}{more} of this file."


def fold_repeats(comments: Sequence[Comment], min_score: float) -> tuple[list[Comment], list[Comment]]:
    """(comments with one per repeat group, the repeats): among comments that clear the threshold, the best of each
    group with the same file, origin and flagged text leads and lists the other lines in its body."""
    groups: dict[tuple[str, str, str], list[Comment]] = {}
    for c in sorted(comments, key=rank_key):
        if c.score >= min_score and c.code.strip():
            groups.setdefault(_repeat_key(c), []).append(c)
    leads: dict[int, Comment] = {}
    repeats: list[Comment] = []
    for group in groups.values():
        if len(group) < 2:
            continue
        lead, rest = group[0], group[1:]
        leads[id(lead)] = replace(lead, body=f"{lead.body.rstrip()}\n\n{_elsewhere(sorted(c.line for c in rest))}")
        repeats += [with_step(c, "budget", f"repeats the comment at {lead.path}:{lead.line}") for c in rest]
    repeated = {id(c) for g in groups.values() for c in g[1:]}
    kept = [leads.get(id(c), c) for c in comments if id(c) not in repeated]
    return kept, repeats


def apply_budget(
    comments: Sequence[Comment], *, min_score: float, max_total: int, max_per_file: int
) -> tuple[list[Comment], list[Comment], list[Comment], Counter[str]]:
    """(reported, over budget, below threshold, cut reasons): threshold first, then at most ``max_per_file`` per
    file and ``max_total`` in all, one top-level directory taking at most its share while others have comments."""
    reported: list[Comment] = []
    over: list[Comment] = []
    below: list[Comment] = []
    held: list[Comment] = []  # over the directory share, waiting for what the other directories leave
    reasons: Counter[str] = Counter()
    per_file: Counter[str] = Counter()
    per_dir: Counter[str] = Counter()
    share = directory_share(max_total)
    for c in sorted(comments, key=rank_key):
        if c.score < min_score:
            reasons["below-threshold"] += 1
            below.append(with_step(c, "budget", f"below the threshold ({c.score:.2f} < {min_score:.2f})"))
        elif per_file[c.path] >= max_per_file:
            reasons["over-per-file-budget"] += 1
            over.append(with_step(c, "budget", f"over the per-file budget ({max_per_file} per file)"))
        elif per_dir[top_directory(c.path)] >= share:
            held.append(c)
        elif len(reported) >= max_total:
            reasons["over-review-budget"] += 1
            over.append(with_step(c, "budget", f"over the review budget ({max_total} per review)"))
        else:
            reported.append(with_step(c, "budget", "reported"))
            per_file[c.path] += 1
            per_dir[top_directory(c.path)] += 1
    for c in held:  # best first: the room the other directories left
        if len(reported) < max_total and per_file[c.path] < max_per_file:
            reported.append(with_step(c, "budget", "reported"))
            per_file[c.path] += 1
        elif per_file[c.path] >= max_per_file:
            reasons["over-per-file-budget"] += 1
            over.append(with_step(c, "budget", f"over the per-file budget ({max_per_file} per file)"))
        elif all(top_directory(r.path) == top_directory(c.path) for r in reported):
            reasons["over-review-budget"] += 1  # no other directory took its room: the share made no difference
            over.append(with_step(c, "budget", f"over the review budget ({max_total} per review)"))
        else:
            reasons["over-directory-share"] += 1
            where = top_directory(c.path)
            over.append(with_step(
                c, "budget", f"over the share of {where} ({share} of {max_total} while other directories have comments)"
            ))
    reported.sort(key=rank_key)
    return reported, over, below, reasons


def rank(comments: Sequence[Comment], *, min_score: float, max_total: int, max_per_file: int) -> Ranked:
    """Merge, then threshold and budget: the reported comments best first, those over the budget, everything else
    rejected; every cut counted."""
    merged, folded = merge_overlapping(comments, min_score)
    merged, repeats = fold_repeats(merged, min_score)
    reported, over, below, reasons = apply_budget(
        merged, min_score=min_score, max_total=max_total, max_per_file=max_per_file
    )
    if folded:
        reasons["merged-into-overlapping"] += len(folded)
    if repeats:
        reasons["repeat"] += len(repeats)
    over += repeats
    over.sort(key=rank_key)
    return Ranked(tuple(reported), tuple(below + folded), tuple(sorted(reasons.items())), over_budget=tuple(over))

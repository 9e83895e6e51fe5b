"""Which prompts a run sends, in which order: large PRs are split by file priority (files with findings and higher
complexity first); small files share one review prompt; a file too large for one prompt is shown compactly (no
function bodies) or, failing that, listed as not reviewed — never silently dropped.

Groups depend only on the diff (how many lines each file adds), not on the evidence, so the labels of the
requests — which a cassette falls back on when a prompt changed — stay stable when the analyzers change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reviewbot.llm import prompting
from reviewbot.llm.context import FileContext
from reviewbot.llm.prompting import FileEvidence
from reviewbot.llm.provider import estimate_tokens
from reviewbot.models import Finding, Severity

SMALL_FILE_LINES = 15  # files adding at most this many lines share a review prompt ...
MAX_GROUP = 4  # ... with at most this many others
PROMPT_OVERHEAD = 900  # tokens of the system prompt and the task text around the file sections


@dataclass(frozen=True)
class ReviewGroup:
    paths: tuple[str, ...]
    sections: tuple[str, ...]
    priority: float
    compact: tuple[str, ...] = ()  # files shown without function bodies (too large otherwise)

    @property
    def label(self) -> str:
        return "review:" + ",".join(self.paths)


@dataclass(frozen=True)
class TriageGroup:
    path: str
    findings: tuple[Finding, ...]
    priority: float

    @property
    def label(self) -> str:
        return "triage:" + self.path


@dataclass(frozen=True)
class Plan:
    reviews: tuple[ReviewGroup, ...]
    triages: tuple[TriageGroup, ...]
    too_large: tuple[tuple[str, int], ...] = ()  # (path, estimated tokens) of files not reviewed by the model


def priority(ctx: FileContext, ev: FileEvidence) -> float:
    cc = max((m.after or 0.0 for m in ev.metrics if m.name == "cc"), default=0.0)
    return 10.0 * len(ev.findings) + cc + len(ctx.added_lines) / 10.0


def plan(
    contexts: Sequence[FileContext],
    evidence: Mapping[str, FileEvidence],
    *,
    use_evidence: bool,
    review: bool,
    triage: bool,
    triage_level: Severity,
    max_prompt_tokens: int,
) -> Plan:
    prio = {c.path: priority(c, evidence[c.path]) for c in contexts}
    triages = []
    if triage and use_evidence:
        for c in contexts:
            chosen = tuple(f for f in evidence[c.path].findings if f.severity.at_least(triage_level))
            if chosen:
                triages.append(TriageGroup(c.path, chosen, prio[c.path]))
    reviews: list[ReviewGroup] = []
    too_large: list[tuple[str, int]] = []
    if review:
        limit = max_prompt_tokens - PROMPT_OVERHEAD
        small: list[tuple[FileContext, str]] = []
        for c in sorted(contexts, key=lambda c: c.path):
            section = prompting.review_section(c, evidence[c.path], evidence=use_evidence)
            compact: tuple[str, ...] = ()
            if estimate_tokens(section) > limit:
                section = prompting.review_section(c, evidence[c.path], evidence=use_evidence, compact=True)
                compact = (c.path,)
            size = estimate_tokens(section)
            if size > limit:
                too_large.append((c.path, size))
            elif len(c.added_lines) <= SMALL_FILE_LINES and not compact:
                small.append((c, section))
            else:
                reviews.append(ReviewGroup((c.path,), (section,), prio[c.path], compact))
        group: list[tuple[FileContext, str]] = []
        for item in small:
            size = sum(estimate_tokens(s) for _, s in group) + estimate_tokens(item[1])
            if group and (len(group) >= MAX_GROUP or size > limit):
                reviews.append(_group(group, prio))
                group = []
            group.append(item)
        if group:
            reviews.append(_group(group, prio))
    reviews.sort(key=lambda g: (-g.priority, g.paths))
    triages.sort(key=lambda t: (-t.priority, t.path))
    return Plan(tuple(reviews), tuple(triages), tuple(too_large))


def _group(items: Sequence[tuple[FileContext, str]], prio: Mapping[str, float]) -> ReviewGroup:
    return ReviewGroup(
        tuple(c.path for c, _ in items), tuple(s for _, s in items), max(prio[c.path] for c, _ in items)
    )

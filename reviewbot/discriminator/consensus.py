"""Step 4, *consensus*: equivalent fixes are clustered, and independent sources that flag the same lines agree.

Two fixes are equivalent when the files they produce have the same normalised syntax tree (layout and comments
ignored), whatever line range each claims. Samples of one model are not independent of each other: they count as
consensus ("3 of 3 samples agree"), while another tool or another model on the same lines counts as agreement.
Both are votes of noisy voters (CodeT's dual agreement, B4's view of candidates and checks as plausible, not true).
The samples' mean self-confidence on the lines they fix is kept too: scoring uses it, rather than each sample's
own, as the prior of every competing sample (see ``scoring.W_SELF_LLM``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reviewbot.models import Candidate, Finding


def family(origin: str) -> str:
    """The independent source behind an origin: the tool (``bandit:B602`` -> ``bandit``) or the model
    (``llm:gpt-4o#2`` -> ``llm:gpt-4o``); samples of one model share a family."""
    kind, _, rest = origin.partition(":")
    if kind == "llm":
        return "llm:" + rest.partition("#")[0]
    return kind


def is_sample(origin: str) -> bool:
    return origin.startswith("llm:")


def overlaps(a: Candidate, b: Candidate) -> bool:
    return a.path == b.path and a.line <= max(b.line, b.end_line) and b.line <= max(a.line, a.end_line)


@dataclass(frozen=True)
class Consensus:
    cluster_size: int = 1  # candidates (any source) whose fix yields the same program
    cluster_families: int = 1  # independent sources among them
    samples_total: int = 0  # distinct samples of this candidate's model in the review (0: not a sample)
    samples_flag: int = 0  # ... commenting on overlapping lines (itself included)
    samples_fixing: int = 0  # ... proposing some fix for overlapping lines (itself included)
    samples_fix: int = 0  # ... proposing an equivalent fix (itself included)
    samples_confidence: float | None = None  # mean self-confidence of the samples' fixes for these lines
    agreement: tuple[str, ...] = ()  # origins of other independent sources flagging the same lines
    confirmed_by: tuple[str, ...] = ()  # origins of candidates citing (triaging) this candidate's finding


def consensus(
    candidates: Sequence[Candidate],
    fix_hashes: Mapping[int, str],
    findings_by_fingerprint: Mapping[str, Finding],
) -> list[Consensus]:
    """One Consensus per candidate. ``fix_hashes``: candidate index -> tree hash of its patched file, for fixes
    that apply, parse and change the program (the others join no cluster)."""
    clusters: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, digest in fix_hashes.items():
        clusters[(candidates[i].path, digest)].append(i)
    by_path: dict[str, list[int]] = defaultdict(list)
    citers: dict[str, list[int]] = defaultdict(list)
    samples: dict[str, set[str]] = defaultdict(set)
    for i, c in enumerate(candidates):
        by_path[c.path].append(i)
        if is_sample(c.origin):
            samples[family(c.origin)].add(c.origin)
        for fp in c.cites:
            citers[fp].append(i)
    out: list[Consensus] = []
    for i, c in enumerate(candidates):
        mine = family(c.origin)
        neighbours = [j for j in by_path[c.path] if j != i and overlaps(c, candidates[j])]
        agreement = tuple(
            dict.fromkeys(
                candidates[j].origin
                for j in neighbours
                if family(candidates[j].origin) != mine and not same_claim(c, candidates[j])
            )
        )
        cited = tuple(
            dict.fromkeys(
                findings_by_fingerprint[fp].origin
                for fp in c.cites
                if fp in findings_by_fingerprint
                and family(findings_by_fingerprint[fp].origin) != mine
                and not c.from_triage
            )
        )
        confirmed = tuple(
            dict.fromkeys(
                candidates[j].origin
                for j in (citers.get(c.fingerprint, []) if c.fingerprint else [])
                if j != i and family(candidates[j].origin) != mine and not candidates[j].from_triage
            )
        )
        size, families = 1, 1
        members = clusters[(c.path, fix_hashes[i])] if i in fix_hashes else [i]
        if i in fix_hashes:
            size = len(members)
            families = len({family(candidates[j].origin) for j in members})
        total = fix_agree = flag_agree = fixing = 0
        pooled: float | None = None
        if is_sample(c.origin):
            total = len(samples[mine])
            same = [j for j in [i, *neighbours] if family(candidates[j].origin) == mine]
            flag_agree = len({candidates[j].origin for j in same})
            if c.fix is not None:
                fixes = [j for j in same if candidates[j].fix is not None]
                fixing = len({candidates[j].origin for j in fixes})
                fix_agree = 1
                pooled = sum(candidates[j].confidence for j in fixes) / len(fixes)
            if i in fix_hashes:
                fix_agree = len({candidates[j].origin for j in members if family(candidates[j].origin) == mine})
        out.append(
            Consensus(
                cluster_size=size,
                cluster_families=families,
                samples_total=total,
                samples_flag=flag_agree,
                samples_fixing=fixing,
                samples_fix=fix_agree,
                samples_confidence=pooled,
                agreement=tuple(dict.fromkeys(agreement + cited)),
                confirmed_by=confirmed,
            )
        )
    return out


def same_claim(a: Candidate, b: Candidate) -> bool:
    """Whether one is the fix LLM triage proposed for the other's finding: one claim, not two voices."""
    return (a.from_triage and bool(b.fingerprint) and b.fingerprint in a.cites) or (
        b.from_triage and bool(a.fingerprint) and a.fingerprint in b.cites
    )


def independent(c: Consensus) -> int:
    """How many independent sources besides the candidate's own back it (agreeing, citing or confirming)."""
    return len({family(o) for o in c.agreement + c.confirmed_by})

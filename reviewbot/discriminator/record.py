"""One candidate's check record (``Check``) and the scoring signals read from it: pure values, no I/O, no text."""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewbot.discriminator import scoring
from reviewbot.discriminator.patching import Applied
from reviewbot.discriminator.collateral import Problem
from reviewbot.discriminator.consensus import Consensus, independent
from reviewbot.discriminator.execution import ExecResult
from reviewbot.discriminator.reanalysis import Outcome
from reviewbot.models import Candidate, Finding


@dataclass
class Check:
    """The working record of one candidate's checks."""

    candidate: Candidate
    steps: dict[str, str] = field(default_factory=dict)
    applied: Applied | None = None
    applies: bool | None = None
    parses: bool | None = None
    tree: str = ""
    same_tree: bool = False  # the patched file has the original's syntax tree
    collateral: Problem | None = None  # what the fix changes outside its target (collateral.py)
    suppression: bool = False
    noop: bool = False
    tokens: int = 0
    novel: int = 0  # token bigrams of the fix found nowhere else in the file
    outcome: Outcome | None = None
    target_resolved: bool | None = None
    resolved_targets: tuple[Finding, ...] = ()
    resolved_other: tuple[Finding, ...] = ()
    tests: ExecResult | None = None
    consensus: Consensus = field(default_factory=Consensus)
    least_novel_alternative: int | None = None
    on_added: bool | None = None  # the candidate's lines include a line the change adds



def signals(ch: Check) -> scoring.Signals:
    c = ch.candidate
    cons = ch.consensus
    introduced = ch.outcome.introduces if ch.outcome else ()
    return scoring.Signals(
        severity=c.severity,
        confidence=c.confidence,
        from_llm=c.origin.startswith("llm:"),
        has_fix=c.fix is not None,
        applies=ch.applies,
        parses=ch.parses,
        collateral=ch.collateral is not None,
        noop=ch.noop,
        suppression=ch.suppression,
        reanalyzed=ch.outcome is not None,
        target_resolved=ch.target_resolved,
        resolves_other=len(ch.resolved_other),
        introduces=tuple(f.severity for f in introduced),
        complexity_delta=ch.outcome.complexity_delta if ch.outcome else None,
        fix_tokens=ch.tokens,
        novel_bigrams=ch.novel,
        least_novel_alternative=ch.least_novel_alternative,
        independent=independent(cons),
        cluster_sources=cons.cluster_families,
        samples_fix=(cons.samples_fix, cons.samples_fixing),
        samples_flag=(cons.samples_flag, cons.samples_total),
        samples_confidence=cons.samples_confidence,
        tests_passed=ch.tests.passed if ch.tests else None,
        quote=c.quote,
        on_added=ch.on_added,
        cites=len(c.cites),
        category=c.category,
        recheck=c.recheck,
        recheck_confidence=c.recheck_confidence,
    )

"""The static reviewer: every analyzer finding becomes a candidate comment (with the rule's fix, if any).

This is the whole reviewer when no LLM is configured; with an LLM, these candidates are what it triages.
"""

from __future__ import annotations

from collections.abc import Sequence

from reviewbot.contracts import ReviewInput
from reviewbot.models import Candidate, Finding, Stats

_CATEGORY_BY_TOOL = {"bandit": "security", "radon": "complexity", "facts": "correctness"}


def category_of(finding: Finding) -> str:
    if finding.cwe is not None:
        return "security"
    if finding.rule_id.startswith(("security", "sec-")):
        return "security"
    return _CATEGORY_BY_TOOL.get(finding.tool, "correctness")


def candidate_from(finding: Finding) -> Candidate:
    fix = finding.fix
    line, end_line = finding.line, max(finding.line, finding.end_line)
    if fix is not None and fix.start_line <= line and fix.end_line >= end_line:
        line, end_line = fix.start_line, fix.end_line  # anchor on the lines the fix replaces
    return Candidate(
        path=finding.path,
        line=line,
        end_line=end_line,
        severity=finding.severity,
        body=finding.message,
        origin=finding.origin,
        category=category_of(finding),
        fix=fix,
        cwe=finding.cwe,
        confidence=finding.confidence.weight,
        cites=(finding.fingerprint,) if finding.fingerprint else (),
        fingerprint=finding.fingerprint,
    )


def static_review(inp: ReviewInput) -> tuple[Sequence[Candidate], Stats]:
    return [candidate_from(f) for f in inp.evidence.findings], Stats()

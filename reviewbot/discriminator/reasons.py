"""Turns a candidate's check record into English: step texts, why a fix is withheld, the one-line reason, the
Comment; reads ``Check`` only, runs nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import fields

from reviewbot.discriminator import scoring
from reviewbot.discriminator.consensus import family
from reviewbot.discriminator.record import Check, signals
from reviewbot.models import Comment, Finding, SourceFile, Verdict, line_span


def short(origin: str) -> str:
    """``bandit:B602`` -> ``bandit B602`` (for reasons)."""
    return origin.replace(":", " ", 1)


def reanalysis_step(ch: Check, targets: Sequence[Finding], reproduced: bool, ran: Sequence[str]) -> str:
    """The "reanalysis" step: whether the fix resolves its target, what else it resolves and introduces."""
    outcome = ch.outcome
    assert outcome is not None
    parts: list[str] = []
    if targets and not reproduced:
        parts.append("target finding not reproduced")
    elif ch.target_resolved:
        parts.append("resolves " + ", ".join(short(f.origin) for f in ch.resolved_targets) + " (its target)")
    elif ch.target_resolved is False:
        parts.append("does not resolve its target " + ", ".join(short(t.origin) for t in targets))
    if ch.resolved_other:
        parts.append("resolves " + ", ".join(f"{short(f.origin)} (line {f.line})" for f in ch.resolved_other))
    if outcome.introduces:
        parts.append("introduces " + ", ".join(f"{short(f.origin)} (line {f.line})" for f in outcome.introduces))
    else:
        parts.append("introduces nothing")
    if outcome.expected:
        parts.append(
            "not counted: " + ", ".join(short(f.origin) for f in outcome.expected) + " (what the resolved finding asks for)"
        )
    if outcome.complexity_delta is not None:
        parts.append(f"complexity {outcome.complexity_delta:+g} in {outcome.symbol or 'its function'}")
    return "; ".join(parts) + f" ({', '.join(ran) or 'no analyzer'})"


def consensus_step(ch: Check) -> str:
    """The "consensus" step: which samples and other sources agree on these lines."""
    cons = ch.consensus
    parts: list[str] = []
    if cons.samples_fixing >= 2:
        parts.append(f"{cons.samples_fix} of {cons.samples_fixing} samples fixing these lines propose an equivalent fix")
    if cons.samples_total >= 2:
        parts.append(f"{cons.samples_flag} of {cons.samples_total} samples comment on these lines")
    if cons.cluster_families > 1:
        parts.append(f"{cons.cluster_families} independent sources propose an equivalent fix")
    if cons.agreement:
        parts.append("also flagged by " + ", ".join(short(o) for o in cons.agreement))
    if cons.confirmed_by:
        parts.append("confirmed by " + ", ".join(short(o) for o in cons.confirmed_by))
    return "; ".join(parts) or "no other source on these lines"


def withheld_because(ch: Check, *, line: bool = True) -> str:
    """Why the fix is not shown (the first defect); ``line=False`` leaves out the line number (for counting)."""
    if ch.applies is False:
        return "does not apply"
    if ch.parses is False:
        return "does not parse"
    if ch.outcome and ch.outcome.introduces:
        return "introduces " + ", ".join(dict.fromkeys(short(f.origin) for f in ch.outcome.introduces))
    if ch.suppression:
        return "only suppresses the finding"
    if ch.noop:
        return "changes nothing"
    if ch.target_resolved is False:
        return "does not resolve its target"
    if ch.collateral is not None:
        return str(ch.collateral) if line else ch.collateral.what
    if ch.tests and ch.tests.passed is False:
        return "tests fail"
    return "not verified"


def withheld_note(checks: Sequence[Check], comments: Sequence[Comment]) -> str | None:
    """The summary note counting withheld fixes by reason, or None when every proposed fix is shown."""
    withheld = Counter(
        withheld_because(ch, line=False)
        for ch, c in zip(checks, comments)
        if c.verdict is not None and c.verdict.steps.get("suggestion", "").startswith("withheld")
    )
    if not withheld:
        return None
    total = sum(withheld.values())
    why = ", ".join(f"{cause}: {n}" for cause, n in withheld.most_common())
    return f"{total} suggested fix{'es' if total != 1 else ''} withheld ({why})"


def reason(ch: Check, shown: bool) -> str:
    """The one line a posted comment shows: what was verified, and who agrees."""
    c = ch.candidate
    cons = ch.consensus
    head: list[str] = []
    if c.fix is not None and shown:
        verified: list[str] = []
        if ch.outcome is not None:
            resolved = ch.resolved_targets + ch.resolved_other
            if resolved:
                verified.append("resolves " + ", ".join(dict.fromkeys(short(f.origin) for f in resolved)))
            verified.append("introduces nothing")
        else:
            verified.append("applies and parses (not re-analysed)")
        if ch.tests and ch.tests.passed:
            verified.append("tests pass")
        head.append(("verified: " if ch.outcome is not None else "") + ", ".join(verified))
    elif c.fix is not None:
        head.append("fix not shown: " + withheld_because(ch))
    if c.origin.startswith("llm:") or c.fix is None:
        # an LLM comment is kept on its own signals: name them first
        head.insert(0, f"{short(c.origin)}, {c.severity.value}, confidence {c.confidence:.1f}")
        if c.recheck:
            word = {"true_positive": "confirmed", "false_positive": "doubted"}.get(c.recheck, "uncertain")
            head.insert(1, f"second look: {word} ({c.recheck_confidence:.1f})")
    tail: list[str] = []
    if c.fix is not None and shown and cons.samples_fixing >= 2:
        tail.append(f"{cons.samples_fix} of {cons.samples_fixing} samples agree")
    elif cons.samples_total >= 2:
        tail.append(f"{cons.samples_flag} of {cons.samples_total} samples agree")
    others = tuple(dict.fromkeys(cons.agreement + cons.confirmed_by))
    if others:
        tail.append("also flagged by " + ", ".join(short(o) for o in others if family(o) != family(c.origin)))
    return "; ".join([*head, *tail])


def _plain_signals(s: scoring.Signals) -> dict[str, object]:
    """The signals as JSON values (for ``Verdict.signals``)."""
    out: dict[str, object] = {}
    for f in fields(s):
        value = getattr(s, f.name)
        if f.name == "severity":
            value = s.severity.value
        elif f.name == "introduces":
            value = [x.value for x in s.introduces]
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def comment(ch: Check, sf: SourceFile | None) -> Comment:
    """The scored Comment for ``ch``, its Verdict carrying every step, the score terms and the reason."""
    c = ch.candidate
    sig = signals(ch)
    value, parts = scoring.score(sig)
    shown = scoring.suggestion_ok(sig)
    steps = dict(ch.steps)
    steps["score"] = f"{value:.2f} = logistic(" + ", ".join(f"{k} {v:+.2f}" for k, v in parts.items()) + ")"
    fix_value = scoring.fix_score(sig)
    if fix_value is not None:
        fix_terms = scoring.terms(sig)
        steps["fix-score"] = f"{fix_value:.2f} = logistic(" + ", ".join(f"{k} {v:+.2f}" for k, v in fix_terms.items()) + ")"
    if c.fix is not None:
        steps["suggestion"] = "shown" if shown else f"withheld: {withheld_because(ch)}"
    outcome = ch.outcome
    verdict = Verdict(
        score=value,
        reason=reason(ch, shown),
        applies=ch.applies,
        parses=ch.parses,
        resolves=tuple(f.origin for f in (ch.resolved_targets + ch.resolved_other)),
        introduces=tuple(f.origin for f in outcome.introduces) if outcome else (),
        complexity_delta=outcome.complexity_delta if outcome else None,
        cluster_size=ch.consensus.cluster_size,
        agreement=tuple(dict.fromkeys(ch.consensus.agreement + ch.consensus.confirmed_by)),
        tests_passed=ch.tests.passed if ch.tests else None,
        steps=steps,
        signals=_plain_signals(sig),
        fix_score=fix_value,
    )
    return Comment(
        path=c.path,
        line=c.line,
        end_line=max(c.line, c.end_line),
        severity=c.severity,
        origin=c.origin,
        body=c.body,
        score=value,
        reason=verdict.reason,
        category=c.category,
        cwe=c.cwe,
        suggestion=c.fix.replacement if (shown and c.fix is not None) else None,
        sources=(c.origin,),
        fingerprint=c.fingerprint,
        code=line_span(sf.text, c.line, c.end_line) if sf is not None else "",
        verdict=verdict,
    )

"""Checked replies become Candidates.

- A review comment becomes a candidate (origin ``llm:<model>#<sample>``) only when it anchors to lines of the
  new file inside the diff; otherwise it is listed in the summary with the reason. A suggestion replaces exactly
  the anchored lines.
- A verify verdict (the model's second look at its own review comments) is recorded on every candidate of the
  comment it judged (``recheck``): the discriminator weighs it; nothing is deleted here.
- A triage verdict adjusts the finding's static candidate, which is never deleted (the discriminator decides):
  confirmed → higher confidence, and the LLM's fix as an extra candidate citing the finding; rejected → lower
  confidence; the verdict and its reason are recorded in the candidate's body.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from reviewbot.llm.context import FileContext
from reviewbot.llm.parse import Anchor, anchor, clean_code, comment_is_noop, sanitize
from reviewbot.llm.schemas import FixReply, ReviewComment, TriageVerdict
from reviewbot.models import Candidate, Finding, Fix, Severity
from reviewbot.static_reviewer import category_of

MAX_LLM_CONFIDENCE = 0.9  # a model's self-grade is a weak signal; the discriminator's checks count more
CONFIRM_BOOST = 0.5  # confirmed: close this share of the gap to 1 (times the verdict's confidence)
REJECT_CUT = 0.6  # rejected: remove this share of the confidence (times the verdict's confidence)


@dataclass
class Tally:
    moved: list[str] = field(default_factory=list)  # "path:line: first words (why)"
    reanchored: int = 0
    dropped_items: int = 0  # reply items that failed validation (after one repair attempt)
    unusable_replies: int = 0  # replies that were not JSON of the right shape (after one repair attempt)
    repaired: int = 0
    suggestions_dropped: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)  # verdict -> count
    unjudged: int = 0  # findings sent to triage that got no verdict
    rechecks: dict[str, int] = field(default_factory=dict)  # verify verdict -> comments


def origin(model: str, sample: int) -> str:
    return f"llm:{model}#{sample}"


def _resolve_path(given: str, paths: Sequence[str]) -> str | None:
    given = given.strip().lstrip("./")
    if given in paths:
        return given
    tails = [p for p in paths if p.endswith("/" + given) or given.endswith("/" + p)]
    return tails[0] if len(tails) == 1 else None


def _first_line(text: str, limit: int = 100) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def make_fix(ctx: FileContext, a: Anchor, text: str | None, description: str, tally: Tally) -> Fix | None:
    if text is None:
        return None
    replacement = clean_code(text)
    if replacement is None or comment_is_noop(ctx, a, replacement):
        tally.suggestions_dropped += 1
        return None
    return Fix(a.start, a.end, replacement, description)


def review_candidates(
    items: Sequence[ReviewComment],
    *,
    paths: Sequence[str],
    contexts: Mapping[str, FileContext],
    findings: Mapping[str, Finding],
    model: str,
    sample: int,
    tally: Tally,
) -> list[Candidate]:
    out: list[Candidate] = []
    for c in items:
        body = sanitize(c.body)
        if not body:
            tally.dropped_items += 1
            continue
        path = _resolve_path(c.path, paths)
        ctx = contexts.get(path) if path else None
        if ctx is None:
            tally.moved.append(f"{c.path}:{c.start_line}: {_first_line(body)} (not a file of this prompt)")
            continue
        a, why = anchor(c.start_line, c.end_line, c.line_text, ctx)
        if a is None:
            tally.moved.append(f"{ctx.path}:{c.start_line}: {_first_line(body)} ({why})")
            continue
        if a.moved_from is not None:
            tally.reanchored += 1
        cited = [findings[i] for i in c.cites if i in findings]
        fix = make_fix(ctx, a, c.suggestion, "", tally)
        out.append(
            Candidate(
                path=ctx.path,
                line=a.start,
                end_line=a.end,
                severity=Severity(c.severity),
                body=body,
                origin=origin(model, sample),
                category=c.category,
                fix=fix,
                cwe=next((f.cwe for f in cited if f.cwe), None),
                confidence=round(min(c.confidence, MAX_LLM_CONFIDENCE), 3),
                cites=tuple(dict.fromkeys(f.fingerprint for f in cited if f.fingerprint)),
                quote="moved" if a.moved_from is not None else ("exact" if c.line_text.strip() else ""),
            )
        )
    return out


def _first_by_id(verdicts: Sequence[TriageVerdict]) -> dict[str, TriageVerdict]:
    """Each id's first verdict (a model that answers an id twice is taken at its first word)."""
    by_id: dict[str, TriageVerdict] = {}
    for v in verdicts:
        by_id.setdefault(v.id.strip(), v)
    return by_id


def apply_triage(
    verdicts: Sequence[TriageVerdict],
    *,
    sent: Sequence[Finding],
    ids: Mapping[Finding, str],
    static: dict[Finding, Candidate],
    ctx: FileContext,
    model: str,
    tally: Tally,
) -> list[Candidate]:
    """Adjust ``static`` (finding -> its candidate) in place; return the LLM's fixes as extra candidates."""
    by_id = _first_by_id(verdicts)
    extra: list[Candidate] = []
    for finding in sent:
        found = by_id.get(ids[finding])
        if found is None:
            tally.unjudged += 1
            continue
        v = found
        tally.verdicts[v.verdict] = tally.verdicts.get(v.verdict, 0) + 1
        reason = sanitize(v.reason, 600) or "no reason given"
        current = static[finding]
        if v.verdict == "true_positive":
            confidence = current.confidence + (1 - current.confidence) * CONFIRM_BOOST * v.confidence
            static[finding] = replace(
                current,
                confidence=round(min(0.97, confidence), 3),
                body=f"{current.body}\n\nConfirmed by LLM triage ({model}): {reason}",
            )
            fix = _triage_fix(v, ctx, tally)
            if fix is not None:
                extra.append(
                    Candidate(
                        path=finding.path,
                        line=fix.start_line,
                        end_line=fix.end_line,
                        severity=finding.severity,
                        body=f"{sanitize(finding.message)}\n\nFix proposed by LLM triage ({model}): {reason}",
                        origin=origin(model, 0),
                        category=category_of(finding),
                        fix=fix,
                        cwe=finding.cwe,
                        confidence=round(min(v.confidence, MAX_LLM_CONFIDENCE), 3),
                        cites=(finding.fingerprint,) if finding.fingerprint else (),
                        from_triage=True,
                    )
                )
        elif v.verdict == "false_positive":
            static[finding] = replace(
                current,
                confidence=round(current.confidence * (1 - REJECT_CUT * v.confidence), 3),
                body=f"{current.body}\n\nLLM triage ({model}): likely a false positive: {reason}",
            )
        else:
            static[finding] = replace(
                current, body=f"{current.body}\n\nLLM triage ({model}): uncertain: {reason}"
            )
    return extra


def _triage_fix(v: TriageVerdict, ctx: FileContext, tally: Tally) -> Fix | None:
    if v.fix is None:
        return None
    a, _why = anchor(v.fix.start_line, v.fix.end_line, "", ctx)
    if a is None:
        tally.suggestions_dropped += 1
        return None
    return make_fix(ctx, a, v.fix.replacement, "LLM triage fix", tally)


def fix_candidates(
    replies: Sequence[FixReply], *, base: Candidate, ctx: FileContext, model: str, tally: Tally
) -> list[Candidate]:
    """The k fixes of the optional fix step, each a candidate at the base comment's lines."""
    a = Anchor(base.line, base.end_line)
    out = []
    for sample, reply in enumerate(replies):
        fix = make_fix(ctx, a, reply.replacement, sanitize(reply.description, 300), tally)
        if fix is not None:
            out.append(replace(base, fix=fix, origin=origin(model, sample), fingerprint=""))
    return out


def verify_groups(candidates: Sequence[Candidate]) -> dict[str, list[tuple[str, list[Candidate]]]]:
    """The model's review comments (``review_candidates``) to check, per file: comments of different samples on overlapping lines are one
    comment (the most confident one is shown), under ids c1, c2, ... in line order."""
    by_path: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_path.setdefault(c.path, []).append(c)
    out: dict[str, list[tuple[str, list[Candidate]]]] = {}
    for path, items in sorted(by_path.items()):
        groups: list[list[Candidate]] = []
        for c in sorted(items, key=lambda c: (c.line, c.end_line, -c.confidence)):
            if groups and c.line <= max(g.end_line for g in groups[-1]):
                groups[-1].append(c)
            else:
                groups.append([c])
        out[path] = [(f"c{i}", g) for i, g in enumerate(groups, 1)]
    return out


def apply_verify(
    verdicts: Sequence[TriageVerdict], groups: Sequence[tuple[str, list[Candidate]]], tally: Tally
) -> dict[int, Candidate]:
    """id(candidate) -> the candidate with the verdict of its comment recorded (candidates without a verdict are
    left out)."""
    by_id = _first_by_id(verdicts)
    out: dict[int, Candidate] = {}
    for cid, group in groups:
        v = by_id.get(cid)
        if v is None:
            continue
        tally.rechecks[v.verdict] = tally.rechecks.get(v.verdict, 0) + len(group)
        for c in group:
            out[id(c)] = replace(c, recheck=v.verdict, recheck_confidence=round(v.confidence, 3))
    return out

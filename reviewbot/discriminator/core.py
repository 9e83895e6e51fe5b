"""Turn candidates into ranked comments: score each, merge overlaps, apply threshold and noise budget."""

from __future__ import annotations

from collections.abc import Sequence

from reviewbot.discriminator.budget import apply_budget, merge_overlapping
from reviewbot.discriminator.scoring import prior
from reviewbot.models import Candidate, Comment, Verdict, line_span
from reviewbot.pipeline import Ranked, ReviewInput


def to_comment(c: Candidate, verdict: Verdict, text: str) -> Comment:
    suggestion = None
    if c.fix is not None and (c.fix.start_line, c.fix.end_line) == (c.line, c.end_line) and verdict.parses:
        suggestion = c.fix.replacement
    return Comment(
        path=c.path,
        line=c.line,
        end_line=c.end_line,
        severity=c.severity,
        origin=c.origin,
        body=c.body,
        score=verdict.score,
        reason=verdict.reason,
        category=c.category,
        cwe=c.cwe,
        suggestion=suggestion,
        sources=(c.origin,),
        fingerprint=c.fingerprint,
        code=line_span(text, c.line, c.end_line),
        verdict=verdict,
    )


def discriminate(candidates: Sequence[Candidate], inp: ReviewInput) -> Ranked:
    texts = {sf.path: sf.text for sf in inp.files}
    comments = []
    for c in candidates:
        score = prior(c)
        verdict = Verdict(score=score, reason=f"{c.severity.value} from {c.origin}", steps={"score": "prior only"})
        comments.append(to_comment(c, verdict, texts.get(c.path, "")))
    merged, folded = merge_overlapping(comments)
    s = inp.settings.file
    reported, cut, reasons = apply_budget(
        merged, min_score=s.min_score, max_total=s.max_comments, max_per_file=s.max_comments_per_file
    )
    if folded:
        reasons["merged-into-overlapping"] += folded
    return Ranked(tuple(reported), tuple(cut), tuple(sorted(reasons.items())))

"""The last step of every review: a Review that is safe to publish, whatever the model or the reviewed code wrote.

``publishable(review, guard)`` maps every text of a review (each comment's body, reason, verdict and suggestion,
the comments moved to the summary, the rejected and over-budget ones, the summary notes, file-kind reasons,
skipped-file reasons, analyzer messages and notes) through the run's ``Guard``:

- the values of every secret in the environment (and the token shapes of ``reviewbot.llm.redact``) are masked;
- prose is made inert (``reviewbot.links``): a link, image or HTML pointing outside the allowed hosts (the
  repository's own host in the Action, and ``link-hosts``) is removed or defanged, with a visible placeholder;
- a suggested fix that would publish a secret, or that adds a URL to an outside host the reviewed lines do not
  already have, is withheld (the comment stays; its reason says why). Code is never rewritten: a fix that is shown
  is the fix that was verified, and ``--apply`` writes nothing we altered.

The reviewed code quoted in a comment (``code``: the PR's own lines, shown as code in text and SARIF output, never
rendered as Markdown) and file paths are only redacted. Links reviewbot itself adds when rendering (the CWE links of
the SARIF rules) do not pass through here. The publishers keep their own escaping (no @mentions, no HTML, no forged
markers, no fence breakouts) as a second layer.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from reviewbot.config import Settings
from reviewbot.links import LinkPolicy, neutralize
from reviewbot.llm.redact import Redactor
from reviewbot.models import AnalyzerStatus, Comment, Review, SkippedFile, Summary, Verdict
from reviewbot.urls import BARE, bare_target, shown


@dataclass(frozen=True)
class Guard:
    redactor: Redactor
    links: LinkPolicy

    @classmethod
    def for_run(
        cls, settings: Settings, *, repo_hosts: Iterable[str] = (), environ: Mapping[str, str] | None = None
    ) -> Guard:
        """The guard of one run: this environment's secrets (and the LLM key's variable), the allowed hosts."""
        env = os.environ if environ is None else environ
        key_env = settings.file.llm.resolved_key_env()
        return cls(
            Redactor.from_env(env, names=(key_env,) if key_env else ()),
            LinkPolicy.of([*repo_hosts, *settings.file.link_hosts]),
        )

    def prose(self, text: str) -> str:
        """Text that is published as Markdown or read as a message: redacted and inert."""
        return neutralize(self.redactor.redact(text), self.links)

    def quote(self, text: str) -> str:
        """Text quoted from the reviewed tree or our own (code, paths, origins): redacted."""
        return self.redactor.redact(text)

    def withheld(self, suggestion: str, code: str) -> str:
        """Why ``suggestion`` must not be published ("" when it may)."""
        if self.redactor.redact(suggestion) != suggestion:
            return "it contains a secret"
        present = set(BARE.findall(code))
        for m in BARE.finditer(suggestion):
            url = m.group(0)
            where = self.links.outside(bare_target(url))
            if where is not None and url not in present:
                return f"it adds a link to {shown(where)}"
        return ""


def publishable(review: Review, guard: Guard) -> Review:
    """``review`` with every text redacted and every outside link removed or defanged."""
    s = review.summary
    summary = Summary(
        files_reviewed=s.files_reviewed,
        files_skipped=tuple(SkippedFile(f.path, guard.prose(f.reason)) for f in s.files_skipped),
        analyzers=tuple(_status(st, guard) for st in s.analyzers),
        metrics=tuple(replace(m, symbol=guard.quote(m.symbol)) for m in s.metrics),
        cut=dict(s.cut),
        notes=tuple(guard.prose(n) for n in s.notes),
        moved_to_summary=tuple(_comment(c, guard) for c in s.moved_to_summary),
        python=guard.prose(s.python),
        file_kinds=tuple(replace(f, reason=guard.prose(f.reason)) for f in s.file_kinds),
    )
    stats = replace(review.stats, notes=tuple(guard.prose(n) for n in review.stats.notes))
    return Review(
        comments=tuple(_comment(c, guard) for c in review.comments),
        summary=summary,
        stats=stats,
        rejected=tuple(_comment(c, guard) for c in review.rejected),
        over_budget=tuple(_comment(c, guard) for c in review.over_budget),
    )


def _status(st: AnalyzerStatus, guard: Guard) -> AnalyzerStatus:
    return replace(st, message=guard.prose(st.message), notes=tuple(guard.prose(n) for n in st.notes))


def _comment(c: Comment, guard: Guard) -> Comment:
    reason = guard.prose(c.reason)
    verdict = _verdict(c.verdict, guard) if c.verdict is not None else None
    suggestion = c.suggestion
    if suggestion is not None:
        why = guard.withheld(suggestion, c.code)
        if why:
            suggestion = None
            reason = f"{reason}; fix not shown: {why}" if reason else f"fix not shown: {why}"
            if verdict is not None:
                verdict = replace(verdict, steps={**verdict.steps, "suggestion": f"withheld: {why}"})
    return replace(
        c,
        origin=guard.quote(c.origin),
        body=guard.prose(c.body),
        reason=reason,
        category=guard.quote(c.category),
        suggestion=suggestion,
        sources=tuple(guard.quote(o) for o in c.sources),
        code=guard.quote(c.code),
        verdict=verdict,
    )


def _verdict(v: Verdict, guard: Guard) -> Verdict:
    return replace(
        v,
        reason=guard.prose(v.reason),
        resolves=tuple(guard.quote(o) for o in v.resolves),
        introduces=tuple(guard.quote(o) for o in v.introduces),
        agreement=tuple(guard.quote(o) for o in v.agreement),
        steps={guard.quote(k): guard.prose(val) for k, val in v.steps.items()},
    )

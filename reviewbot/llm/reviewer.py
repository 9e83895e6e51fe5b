"""The LLM reviewer stage: ``reviewer(inp) -> (candidates, Stats)``, like the static one, whose candidates it
keeps and triages.

One run: locate the changed functions (libcst), plan the prompts (priority, groups, budget), send triage and
review requests (cache, budget, bounded concurrency), parse and repair the replies once, anchor the comments,
optionally ask for fixes, and report in ``Stats.notes`` what was skipped, dropped, moved or failed. Any failure
degrades to the static review; nothing here raises except a cassette the user named that cannot be read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from reviewbot.contracts import ReviewInput
from reviewbot.errors import ReviewbotError
from reviewbot.llm import prompting
from reviewbot.llm.candidates import (
    Tally,
    apply_triage,
    apply_verify,
    fix_candidates,
    review_candidates,
    verify_groups,
)
from reviewbot.llm.context import file_context
from reviewbot.llm.factory import Opened, open_session
from reviewbot.llm.http import Sleep
from reviewbot.llm.parse import ParsedReply, Parser, parse_fix, parse_review, parse_triage
from reviewbot.llm.plan import plan
from reviewbot.llm.provider import LLMError
from reviewbot.llm.redact import Redactor, logger
from reviewbot.llm.schemas import FIX, REVIEW, TRIAGE
from reviewbot.llm.session import CallOutcome, Request, Session
from reviewbot.llm.settings import LLMSettings
from reviewbot.models import Candidate, Finding, Severity, Stats
from reviewbot.static_reviewer import candidate_from

MAX_NOTES_PER_KIND = 8
FIX_MIN_CONFIDENCE = 0.5


@dataclass
class _Sent:
    """One request and what to do with its replies."""

    request: Request
    kind: str  # "review", "triage", "verify", "fix"
    paths: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    base: Candidate | None = None  # fix: the comment being fixed
    parsed: list[ParsedReply[Any]] = field(default_factory=list)  # one per sample


class LLMReviewer:
    """A Reviewer. Built from the settings; tests inject ``client``, ``sleep`` and ``environ``."""

    def __init__(
        self,
        llm: LLMSettings,
        *,
        cache_dir: Path | None = None,
        client: httpx.Client | None = None,
        sleep: Sleep | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.llm = llm
        self.cache_dir = cache_dir
        self.client = client
        self.sleep = sleep
        self.environ = environ

    def __call__(self, inp: ReviewInput) -> tuple[Sequence[Candidate], Stats]:
        findings = list(inp.evidence.findings)
        static = {f: candidate_from(f) for f in findings}
        if not inp.files:
            return [static[f] for f in findings], Stats()
        try:
            with open_session(
                self.llm, cache_dir=self.cache_dir, client=self.client, sleep=self.sleep, environ=self.environ
            ) as opened:
                run = _Run(opened, self.llm, inp, static)
                extra = run.go()
            notes = run.notes() + opened.notes
            usage = opened.session.usage
            stats = Stats(
                llm_calls=usage.calls,
                llm_cache_hits=usage.cache_hits,
                prompt_tokens=usage.prompt_tokens,
                completion_tokens=usage.completion_tokens,
                notes=tuple(notes),
            )
            return [static[f] for f in findings] + extra, stats
        except LLMError as exc:
            note = f"llm: not used ({exc}); static review only"
        except ReviewbotError:
            raise  # a cassette named on the command line that cannot be read: the user's error, exit 2
        except Exception as exc:  # noqa: BLE001 - the LLM stage degrades, it never crashes the review
            logger.debug("LLM stage failed", exc_info=True)
            note = Redactor.from_env(self.environ).redact(
                f"llm: internal error ({type(exc).__name__}: {exc}); static review only"
            )
        return [candidate_from(f) for f in findings], Stats(notes=(note,))


class _Run:
    def __init__(self, opened: Opened, llm: LLMSettings, inp: ReviewInput, static: dict[Finding, Candidate]):
        self.session: Session = opened.session
        self.opened = opened
        self.llm = llm
        self.inp = inp
        self.static = static
        self.model = opened.provider.model
        self.tally = Tally()
        self.skipped: dict[str, list[str]] = {}  # heading -> requests
        self.cut: dict[str, list[str]] = {}
        self.failed: list[str] = []
        self.too_large: list[str] = []
        self.missing: list[str] = []
        changed = {f.path: f for f in inp.patch.files}
        self.contexts = {sf.path: file_context(sf, changed.get(sf.path)) for sf in inp.files}
        sites = prompting.call_sites(inp.evidence)
        self.evidence = {p: prompting.evidence_for(c, inp.evidence, sites) for p, c in self.contexts.items()}
        self.ids = {f: prompting.finding_id(f) for f in inp.evidence.findings}
        self.by_id = {i: f for f, i in self.ids.items()}

    # ------------------------------------------------------------ the run

    def go(self) -> list[Candidate]:
        p = plan(
            list(self.contexts.values()),
            self.evidence,
            use_evidence=self.llm.evidence,
            review=self.llm.review,
            triage=self.llm.triage,
            triage_level=Severity(self.llm.triage_level),
            max_prompt_tokens=self.llm.max_prompt_tokens,
        )
        self.too_large = [f"{path} (~{size} tokens)" for path, size in p.too_large]
        work: list[tuple[float, int, _Sent]] = []
        for t in p.triages:
            messages = prompting.triage_messages(self.contexts[t.path], t.findings)
            work.append(
                (t.priority, 0, _Sent(Request(t.label, messages, TRIAGE), "triage", (t.path,), t.findings))
            )
        for g in p.reviews:
            messages = prompting.review_messages(
                g.sections, g.paths, evidence=self.llm.evidence, max_comments=self.llm.max_comments_per_file
            )
            work.append(
                (
                    g.priority,
                    1,
                    _Sent(Request(g.label, messages, REVIEW, self.llm.samples), "review", g.paths),
                )
            )
        work.sort(key=lambda w: (-w[0], w[1], w[2].request.label))
        sent = [w[2] for w in work]
        self._exchange(sent)
        extra: list[Candidate] = []
        reviewed: list[Candidate] = []  # the review comments (a triage's fixes are not checked again)
        for s in sent:
            made = self._candidates(s)
            extra += made
            if s.kind == "review":
                reviewed += made
        if self.llm.verify and not self.session.dumping and reviewed:
            judged = self._verify(reviewed)
            extra = [judged.get(id(c), c) for c in extra]
        if self.llm.fix and not self.session.dumping:
            fixes = self._fix_requests(extra)
            self._exchange(fixes)
            for s in fixes:
                extra += self._candidates(s)
        return extra

    def _exchange(self, sent: Sequence[_Sent]) -> None:
        """Send, parse, and repair (once) every reply that needs it."""
        outcomes = self.session.run([s.request for s in sent])
        repairs: list[tuple[_Sent, int, Request]] = []
        for s, outcome in zip(sent, outcomes):
            self._account(s, outcome)
            parser = _PARSERS[s.kind]
            for i, text in enumerate(outcome.texts):
                parsed = parser(text)
                s.parsed.append(parsed)
                if parsed.problem:
                    messages = prompting.repair_messages(s.request.messages, text, parsed.problem)
                    label = f"repair:{s.request.label}#{i}"
                    repairs.append((s, i, Request(label, messages, s.request.schema)))
        if not repairs:
            return
        fixed = self.session.run([r for _, _, r in repairs])
        for (s, i, _), outcome in zip(repairs, fixed):
            first = s.parsed[i]
            second = _PARSERS[s.kind](outcome.texts[0]) if outcome.texts else None
            if second is not None and (second.usable or len(second.items) > len(first.items)):
                self.tally.repaired += 1
                s.parsed[i] = second
                first = second
            if not first.items and first.problem and first.dropped == 0:
                self.tally.unusable_replies += 1
            self.tally.dropped_items += first.dropped

    def _account(self, s: _Sent, outcome: CallOutcome) -> None:
        what = _describe(s)
        if outcome.status == "skipped":
            group = "budget" if outcome.limit in ("call budget", "token budget") else outcome.limit
            self.skipped.setdefault(group or "", []).append(f"{what} ({outcome.reason})")
        elif outcome.status == "cut":
            self.cut.setdefault(outcome.limit or "", []).append(f"{what}: {outcome.reason}")
        elif outcome.status == "failed":
            if "no recorded reply" in outcome.reason:
                self.missing.append(what)
            else:
                self.failed.append(f"{what}: {outcome.reason}")

    def _candidates(self, s: _Sent) -> list[Candidate]:
        if s.kind == "fix":
            replies = [item for p in s.parsed for item in p.items]
            ctx = self.contexts[s.paths[0]]
            return (
                fix_candidates(replies, base=s.base, ctx=ctx, model=self.model, tally=self.tally)
                if s.base
                else []
            )
        out: list[Candidate] = []
        for sample, parsed in enumerate(s.parsed):
            if s.kind == "review":
                out += review_candidates(
                    parsed.items,
                    paths=s.paths,
                    contexts=self.contexts,
                    findings=self.by_id,
                    model=self.model,
                    sample=sample,
                    tally=self.tally,
                )
            elif s.kind == "triage" and sample == 0:
                out += apply_triage(
                    parsed.items,
                    sent=s.findings,
                    ids=self.ids,
                    static=self.static,
                    ctx=self.contexts[s.paths[0]],
                    model=self.model,
                    tally=self.tally,
                )
        return out

    def _verify(self, reviewed: list[Candidate]) -> dict[int, Candidate]:
        """The second look: one verify request per file with review comments; id(candidate) -> the candidate with
        its comment's verdict recorded (the discriminator weighs it)."""
        groups = verify_groups([c for c in reviewed if c.path in self.contexts])
        sent = []
        for path, items in groups.items():
            section = prompting.review_section(self.contexts[path], self.evidence[path], evidence=False)
            messages = prompting.verify_messages(self.contexts[path], [(i, g[0]) for i, g in items], section)
            sent.append(_Sent(Request(f"verify:{path}", messages, TRIAGE), "verify", (path,)))
        self._exchange(sent)
        judged: dict[int, Candidate] = {}
        for s in sent:
            if s.parsed:
                judged.update(apply_verify(s.parsed[0].items, groups[s.paths[0]], self.tally))
        return judged

    def _fix_requests(self, extra: Sequence[Candidate]) -> list[_Sent]:
        """The optional fix step: k fixes for each accepted comment (LLM or confirmed finding) without one."""
        wanted = [c for c in extra if c.fix is None and c.confidence >= FIX_MIN_CONFIDENCE]
        wanted += [
            c
            for f, c in self.static.items()
            if c.fix is None
            and "Confirmed by LLM triage" in c.body
            and not any(e.fix is not None and f.fingerprint in e.cites for e in extra)
        ]
        wanted = [
            c for c in wanted if c.path in self.contexts and self.contexts[c.path].in_diff(c.line, c.end_line)
        ]
        wanted.sort(key=lambda c: (-c.confidence, c.path, c.line))
        out = []
        for c in wanted[: self.llm.max_fixes]:
            messages = prompting.fix_messages(self.contexts[c.path], c.line, c.end_line, c.body)
            label = f"fix:{c.path}:{c.line}"
            out.append(_Sent(Request(label, messages, FIX, self.llm.fix_samples), "fix", (c.path,), base=c))
        return out

    # ------------------------------------------------------------ the summary

    def notes(self) -> list[str]:
        u = self.session.usage
        t = self.tally
        notes: list[str] = []
        if self.opened.mode != "dump":
            via = (
                f" (replayed from {self.opened.replay.path.name}; no model was called)"
                if self.opened.replay
                else ""
            )
            est = " (estimated)" if u.estimated else ""
            notes.append(
                f"llm: {u.calls} call(s) to {self.model}{via}, {u.cache_hits} cache hit(s), "
                f"{u.prompt_tokens} prompt + {u.completion_tokens} completion tokens{est}"
            )
        if not self.llm.evidence:
            notes.append("llm: --no-evidence: prompts were built without analyzer evidence (ablation)")
        notes += [f"llm: {n}" for n in u.provider_notes]
        if u.by_label:
            notes.append(
                f"llm: {u.by_label} reply(ies) replayed by label because the prompt changed since the cassette was "
                "recorded (re-key it: python -m tests.llm.demo_cassette, see docs/llm.md)"
            )
        if t.verdicts or t.unjudged:
            parts = [
                f"{t.verdicts.get(k, 0)} {w}"
                for k, w in (
                    ("true_positive", "confirmed"),
                    ("false_positive", "rejected as false positive (kept, lower " "confidence)"),
                    ("uncertain", "uncertain"),
                )
            ]
            if t.unjudged:
                parts.append(f"{t.unjudged} without a verdict")
            notes.append("llm: triage of findings: " + ", ".join(parts))
        if t.rechecks:
            parts = [f"{t.rechecks.get(k, 0)} {w}" for k, w in
                     (("true_positive", "confirmed"), ("false_positive", "rejected"), ("uncertain", "uncertain"))]
            notes.append("llm: second look at the model's comments: " + ", ".join(parts))
        if t.reanchored:
            notes.append(f"llm: {t.reanchored} comment(s) re-anchored to the line their quoted text is on")
        if t.repaired:
            notes.append(f"llm: {t.repaired} malformed reply(ies) repaired by asking once more")
        if t.unusable_replies or t.dropped_items:
            notes.append(
                f"llm: dropped {t.unusable_replies} unusable reply(ies) and {t.dropped_items} invalid item(s) "
                "after one repair attempt"
            )
        if t.suggestions_dropped:
            notes.append(
                f"llm: {t.suggestions_dropped} suggested fix(es) dropped (no change, unsafe or outside the diff)"
            )
        notes += _listed("llm: not anchored in the diff, moved to the summary:", t.moved)
        notes += _listed(
            "llm: not reviewed by the model (too large for one prompt; raise max-prompt-tokens):",
            self.too_large,
        )
        for group, items in self.skipped.items():
            notes += _listed(f"llm: skipped{f' ({group})' if group else ''}, static review only:", items)
        for limit, items in self.cut.items():
            notes += _listed(f"llm: cut ({limit}), static review only:", items)
        notes += _listed("llm: no recorded reply in the cassette (prompts changed? re-record):", self.missing)
        notes += _listed("llm: failed, static review only:", self.failed)
        return notes


_PARSERS: dict[str, Parser] = {
    "review": parse_review,
    "triage": parse_triage,
    "verify": parse_triage,
    "fix": parse_fix,
}


def _describe(s: _Sent) -> str:
    if s.kind == "fix" and s.base is not None:
        return f"fix for {s.base.path}:{s.base.line}"
    return f"{s.kind} of {', '.join(s.paths)}"


def _listed(head: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    shown = [f"{head} {item}" for item in items[:MAX_NOTES_PER_KIND]]
    if len(items) > MAX_NOTES_PER_KIND:
        shown.append(f"{head} ... and {len(items) - MAX_NOTES_PER_KIND} more")
    return shown

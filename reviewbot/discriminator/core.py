"""The discriminator: check every candidate against the code, score it, then merge, threshold and budget.

For each candidate (see the README, "How ranking works"): 1. the fix applies to the anchored lines (in memory);
2. the patched file parses (libcst and ``ast``); 3. the analyzers re-run on all patched variants in one batch: which
findings the fix resolves, which it introduces, the complexity change; 4. equivalent fixes are clustered, independent
sources on the same lines counted, and alternative fixes compared for how familiar their code is to the file;
5. optionally, the trusted test command runs with the fix applied; 6. a score in [0, 1] with a one-line reason.
Every step's outcome goes into ``Verdict.steps``.
"""

from __future__ import annotations

import re
import tarfile
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from reviewbot.analyzers.base import SourceFile
from reviewbot.discriminator import scoring
from reviewbot.discriminator.apply import Applied, apply_fix, changed_tokens
from reviewbot.discriminator.budget import rank
from reviewbot.discriminator.collateral import Collateral, Problem
from reviewbot.discriminator.consensus import Consensus, consensus, family, independent, overlaps
from reviewbot.discriminator.execution import ExecResult, ExecutionCheck
from reviewbot.discriminator.memo import Memo, run_memoised
from reviewbot.discriminator.naturalness import Vocabulary
from reviewbot.discriminator.parse import Parser
from reviewbot.discriminator.reanalysis import Batch, Outcome, Reanalyze, Variant
from reviewbot.models import Candidate, Comment, Confidence, Finding, Verdict, line_span
from reviewbot.pipeline import Progress, Ranked, ReviewInput

MAX_TESTED = 10  # fixes the execution check runs, best first

_SUPPRESSION = re.compile(
    r"#\s*(?:nosec|noqa|nosemgrep|pylint:\s*disable|type:\s*ignore|pragma:\s*no\s*cover)", re.IGNORECASE
)


def short(origin: str) -> str:
    """``bandit:B602`` -> ``bandit B602`` (for reasons)."""
    return origin.replace(":", " ", 1)


@dataclass
class _Check:
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


class Discriminator:
    """``discriminator(candidates, inp) -> Ranked`` (the pipeline's Discriminator protocol).

    ``reanalyze`` runs the analyzers over a batch of files (built by the wiring from the enabled adapters and their
    options); without it, fixes are checked for applying, parsing and consensus only. ``memo`` keeps what
    re-analysis said about each fix across runs (memo.py); ``progress`` hears which candidate is being verified.
    """

    def __init__(
        self, reanalyze: Reanalyze | None = None, memo: Memo | None = None, progress: Progress | None = None
    ) -> None:
        self.reanalyze = reanalyze
        self.memo = memo
        self.progress = progress

    def __call__(self, candidates: Sequence[Candidate], inp: ReviewInput) -> Ranked:
        comments, notes = self.judge(candidates, inp)
        comments = [replace(c, kind=inp.kinds.kind(c.path)) for c in comments]  # ranks source before tests, data
        s = inp.settings.file
        ranked = rank(comments, min_score=s.min_score, max_total=s.max_comments, max_per_file=s.max_comments_per_file)
        return replace(ranked, notes=ranked.notes + tuple(notes))

    # -- the checks ---------------------------------------------------------------------------------------------

    def judge(self, candidates: Sequence[Candidate], inp: ReviewInput) -> tuple[list[Comment], list[str]]:
        """Every candidate as a scored Comment (nothing cut yet), and notes for the summary."""
        files = {sf.path: sf for sf in inp.files}
        findings = {f.fingerprint: f for f in inp.evidence.findings if f.fingerprint}
        checks = [_Check(c) for c in candidates]
        for ch in checks:
            sf = files.get(ch.candidate.path)
            if sf is not None:
                ch.on_added = any(n in sf.added_lines for n in range(ch.candidate.line, ch.candidate.end_line + 1))
        notes: list[str] = []
        parsers: dict[str, Parser] = {}
        vocabularies: dict[str, Vocabulary] = {}
        guards: dict[str, Collateral] = {}
        fixes, done = sum(1 for ch in checks if ch.candidate.fix is not None), 0
        for ch in checks:
            c = ch.candidate
            if self.progress is not None and c.fix is not None:
                done += 1
                self.progress(f"verifying {done}/{fixes}: {c.path}:{c.line} {c.origin}")
            self._apply_and_parse(ch, files, parsers, vocabularies)
            _check_collateral(ch, files, parsers, guards)
        batch = self._reanalyze(checks, files, inp, notes)
        for i, ch in enumerate(checks):
            _attribute(ch, batch.outcomes.get(i) if batch else None, findings, batch)
        fix_hashes = {
            i: ch.tree for i, ch in enumerate(checks) if ch.applies and ch.parses and ch.tree and not ch.same_tree
        }
        for ch, cons in zip(checks, consensus(candidates, fix_hashes, findings)):
            ch.consensus = cons
            ch.steps["consensus"] = _consensus_step(ch)
        _alternatives(checks)
        self._execute(checks, files, inp, notes)
        comments = [_comment(ch, files.get(ch.candidate.path)) for ch in checks]
        withheld = Counter(
            _withheld_because(ch, line=False)
            for ch, c in zip(checks, comments)
            if c.verdict is not None and c.verdict.steps.get("suggestion", "").startswith("withheld")
        )
        if withheld:
            total = sum(withheld.values())
            why = ", ".join(f"{reason}: {n}" for reason, n in withheld.most_common())
            notes.append(f"{total} suggested fix{'es' if total != 1 else ''} withheld ({why})")
        return comments, notes

    def _apply_and_parse(
        self, ch: _Check, files: dict[str, SourceFile], parsers: dict[str, Parser], vocabularies: dict[str, Vocabulary]
    ) -> None:
        c = ch.candidate
        if c.fix is None:
            ch.steps["applies"] = "no fix proposed"
            return
        sf = files.get(c.path)
        if sf is None:
            ch.applies = False
            ch.steps["applies"] = "no: the file is not part of the review"
            return
        applied = apply_fix(sf.text, c)
        if isinstance(applied, str):
            ch.applies = False
            ch.steps["applies"] = f"no: {applied}"
            return
        ch.applies, ch.applied = True, applied
        ch.steps["applies"] = f"yes: replaces lines {c.fix.start_line}-{c.fix.end_line} (in a scratch copy)"
        old = line_span(sf.text, c.fix.start_line, c.fix.end_line)
        ch.tokens = changed_tokens(old, c.fix.replacement)
        ch.suppression = len(_SUPPRESSION.findall(c.fix.replacement)) > len(_SUPPRESSION.findall(old))
        vocabulary = vocabularies.get(c.path)
        if vocabulary is None:
            vocabulary = vocabularies[c.path] = Vocabulary(sf.text)
        ch.novel = vocabulary.novel(c.fix.start_line, c.fix.end_line, c.fix.replacement)
        parser = parsers.get(c.path)
        if parser is None:
            parser = parsers[c.path] = Parser(sf.text)
        result = parser.check(applied.text)
        ch.parses, ch.tree = result.ok, result.tree_hash
        if not result.ok:
            ch.steps["parses"] = f"no: {result.message}"
            return
        ch.same_tree = parser.is_noop(result)
        ch.steps["parses"] = "yes (libcst and ast)" + ("; the syntax tree is unchanged" if ch.same_tree else "")

    def _reanalyze(
        self, checks: list[_Check], files: dict[str, SourceFile], inp: ReviewInput, notes: list[str]
    ) -> Batch | None:
        todo = [ch for ch in checks if ch.applies and ch.parses and ch.applied is not None]
        if not todo:
            return None
        reason = ""
        if not inp.settings.file.verify:
            reason = "off (verify = false)"
        elif self.reanalyze is None:
            reason = "not available (no analyzers)"
        if reason or self.reanalyze is None:
            for ch in todo:
                ch.steps["reanalysis"] = reason
            return None
        variants = [
            Variant(i, files[ch.candidate.path], ch.applied)
            for i, ch in enumerate(checks)
            if ch.applies and ch.parses and ch.applied is not None
        ]
        with tempfile.TemporaryDirectory(prefix="reviewbot-variants-") as tmp:
            try:
                batch = run_memoised(variants, self.reanalyze, Path(tmp), self.memo, self.progress)
            except Exception as exc:  # noqa: BLE001 - a crash here must not lose the review
                notes.append(f"re-analysis of fixes failed: {type(exc).__name__}: {exc}")
                for ch in todo:
                    ch.steps["reanalysis"] = f"failed: {type(exc).__name__}"
                return None
        if batch.failed:
            notes.append("re-analysis of fixes: " + "; ".join(batch.failed))
        return batch

    def _execute(self, checks: list[_Check], files: dict[str, SourceFile], inp: ReviewInput, notes: list[str]) -> None:
        s = inp.settings.file
        eligible = [ch for ch in checks if ch.applied is not None and scoring.suggestion_ok(_signals(ch))]
        if not s.test_command:
            for ch in eligible:
                ch.steps["tests"] = "not configured (test-command)"
            return
        if not eligible:
            return
        eligible.sort(key=lambda ch: -scoring.score(_signals(ch))[0])
        try:
            key_env = (s.llm.resolved_key_env(),)  # whatever its name, the LLM key never reaches the tests
            runner = ExecutionCheck(s.test_command, s.test_timeout, inp.repo_root, inp.rev, inp.files, key_env)
        except (OSError, tarfile.TarError, UnicodeError) as exc:
            notes.append(f"execution check skipped: no copy of the tree could be made ({exc})")
            for ch in eligible:
                ch.steps["tests"] = "skipped: no copy of the tree could be made"
            return
        try:
            why = runner.usable()
            if why:
                notes.append(f"execution check skipped: {why}")
                for ch in eligible:
                    ch.steps["tests"] = f"skipped: {why}"
                return
            for n, ch in enumerate(eligible):
                if n >= MAX_TESTED:
                    ch.steps["tests"] = f"skipped: only the best {MAX_TESTED} fixes are tested"
                    continue
                assert ch.applied is not None
                ch.tests = runner.run(ch.candidate.path, ch.applied.text)
                ch.steps["tests"] = ch.tests.summary
        finally:
            runner.close()


def _check_collateral(
    ch: _Check, files: dict[str, SourceFile], parsers: dict[str, Parser], guards: dict[str, Collateral]
) -> None:
    """Step 2b: a fix that applies and parses changes nothing outside its target (collateral.py)."""
    c = ch.candidate
    if not (ch.applies and ch.parses) or ch.applied is None or c.fix is None:
        return
    guard = guards.get(c.path)
    if guard is None:
        guard = guards[c.path] = Collateral(files[c.path].text, parsers[c.path].top_level_starts)
    ch.collateral = guard.check(ch.applied, c.fix.start_line, c.fix.end_line)
    ch.steps["collateral"] = (
        f"yes: {ch.collateral}" if ch.collateral else "none: code, strings and comments outside the target unchanged"
    )


def _attribute(ch: _Check, outcome: Outcome | None, findings: dict[str, Finding], batch: Batch | None) -> None:
    """Fill in what re-analysis says about ``ch``: its target finding(s), what else it resolves and introduces."""
    c = ch.candidate
    if outcome is None:
        if ch.same_tree:
            ch.noop = True
        return
    ch.outcome = outcome
    targets = [findings[fp] for fp in c.cites if fp in findings]
    if not targets and not c.origin.startswith("llm:") and ":" in c.origin:
        tool, _, rule = c.origin.partition(":")
        targets = [_synthetic(c, tool, rule)]
    reproduced: list[list[Finding]] = []
    for t in targets:
        matches = [
            b
            for b in outcome.baseline
            if (b.tool, b.rule_id) == (t.tool, t.rule_id) and b.line <= max(t.line, t.end_line) and t.line <= b.end_line
        ]
        if matches:
            reproduced.append(matches)
    resolved_ids = {id(f) for f in outcome.resolves}
    if reproduced:
        hit = [next((b for b in m if id(b) in resolved_ids), None) for m in reproduced]
        ch.target_resolved = all(h is not None for h in hit)
        ch.resolved_targets = tuple(h for h in hit if h is not None)
    target_ids = {id(f) for f in ch.resolved_targets}
    ch.resolved_other = tuple(f for f in outcome.resolves if id(f) not in target_ids)
    ch.noop = ch.same_tree and not outcome.resolves
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
    ran = ", ".join(batch.ran) if batch and batch.ran else "no analyzer"
    ch.steps["reanalysis"] = "; ".join(parts) + f" ({ran})"


def _alternatives(checks: list[_Check]) -> None:
    """Record each fix's size and how familiar its code is to the file, and for a shown fix the fewest unfamiliar
    token pairs among the other shown fixes for overlapping lines: of alternative fixes, the one made of the
    file's own idioms is preferred (naturalness.py)."""
    shown = [ch for ch in checks if ch.applied is not None and scoring.suggestion_ok(_signals(ch))]
    shown_ids = {id(ch) for ch in shown}
    for ch in checks:
        if ch.applied is None:
            continue
        ch.steps["size"] = f"{ch.tokens} changed tokens"
        familiar = f"{ch.novel} token pair{'s' if ch.novel != 1 else ''} found nowhere else in the file"
        others = [
            o.novel for o in shown
            if o is not ch and o.candidate.path == ch.candidate.path and overlaps(o.candidate, ch.candidate)
        ]
        if others and id(ch) in shown_ids:
            ch.least_novel_alternative = min(others)
            familiar += f"; the most familiar other fix for these lines: {min(others)}"
        ch.steps["naturalness"] = familiar


def _synthetic(c: Candidate, tool: str, rule: str) -> Finding:
    return Finding(tool, rule, c.path, c.line, max(c.line, c.end_line), c.severity, Confidence.MEDIUM, "")


def _consensus_step(ch: _Check) -> str:
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


def _signals(ch: _Check) -> scoring.Signals:
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


def _plain_signals(s: scoring.Signals) -> dict[str, object]:
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


def _withheld_because(ch: _Check, *, line: bool = True) -> str:
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


def _reason(ch: _Check, shown: bool) -> str:
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
        head.append("fix not shown: " + _withheld_because(ch))
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


def _comment(ch: _Check, sf: SourceFile | None) -> Comment:
    c = ch.candidate
    signals = _signals(ch)
    value, parts = scoring.score(signals)
    shown = scoring.suggestion_ok(signals)
    steps = dict(ch.steps)
    steps["score"] = f"{value:.2f} = logistic(" + ", ".join(f"{k} {v:+.2f}" for k, v in parts.items()) + ")"
    fix_value = scoring.fix_score(signals)
    if fix_value is not None:
        fix_terms = scoring.terms(signals)
        steps["fix-score"] = f"{fix_value:.2f} = logistic(" + ", ".join(f"{k} {v:+.2f}" for k, v in fix_terms.items()) + ")"
    if c.fix is not None:
        steps["suggestion"] = "shown" if shown else f"withheld: {_withheld_because(ch)}"
    outcome = ch.outcome
    verdict = Verdict(
        score=value,
        reason=_reason(ch, shown),
        applies=ch.applies,
        parses=ch.parses,
        resolves=tuple(f.origin for f in (ch.resolved_targets + ch.resolved_other)),
        introduces=tuple(f.origin for f in outcome.introduces) if outcome else (),
        complexity_delta=outcome.complexity_delta if outcome else None,
        cluster_size=ch.consensus.cluster_size,
        agreement=tuple(dict.fromkeys(ch.consensus.agreement + ch.consensus.confirmed_by)),
        tests_passed=ch.tests.passed if ch.tests else None,
        steps=steps,
        signals=_plain_signals(signals),
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


# The pipeline's default when no analyzers are wired in (fixes are checked for applying and parsing only).
discriminate = Discriminator()

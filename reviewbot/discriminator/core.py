"""The discriminator: check every candidate against the code, score it, then merge, threshold and budget.

For each candidate (see docs/ranking.md): 1. the fix applies to the anchored lines (in memory);
2. the patched file parses (libcst and ``ast``); 3. the analyzers re-run on all patched variants in one batch: which
findings the fix resolves, which it introduces, the complexity change; 4. equivalent fixes are clustered, independent
sources on the same lines counted, and alternative fixes compared for how familiar their code is to the file;
5. optionally, the trusted test command runs with the fix applied; 6. a score in [0, 1] with a one-line reason.
Every step's outcome goes into ``Verdict.steps``. This module runs the checks (through reanalysis.py and
execution.py); record.py holds the per-candidate record, reasons.py turns it into English and the Comment.
"""

from __future__ import annotations

import re
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from reviewbot.contracts import DiscriminatorOptions, Progress, Ranked, ReviewInput
from reviewbot.discriminator import reasons, scoring
from reviewbot.discriminator.patching import apply_fix, changed_tokens
from reviewbot.discriminator.ranking import rank
from reviewbot.discriminator.collateral import Collateral
from reviewbot.discriminator.consensus import consensus, overlaps
from reviewbot.discriminator.execution import ExecutionCheck
from reviewbot.discriminator.memo import Memo, run_memoised
from reviewbot.discriminator.naturalness import Vocabulary
from reviewbot.discriminator.syntax import Parser
from reviewbot.discriminator.reanalysis import Batch, Outcome, Reanalyze, Variant
from reviewbot.discriminator.record import Check, signals
from reviewbot.models import Candidate, Comment, Confidence, Finding, SourceFile, line_span

MAX_TESTED = 10  # fixes the execution check runs, best first

_SUPPRESSION = re.compile(
    r"#\s*(?:nosec|noqa|nosemgrep|pylint:\s*disable|type:\s*ignore|pragma:\s*no\s*cover)", re.IGNORECASE
)


class Discriminator:
    """``discriminator(candidates, inp) -> Ranked`` (the pipeline's Discriminator protocol).

    ``reanalyze`` runs the analyzers over a batch of files (built by the wiring from the enabled adapters and their
    options); without it, fixes are checked for applying, parsing and consensus only. ``options``: the settings it
    reads (threshold, noise budget, verify, test command), built by the wiring from the config. ``memo`` keeps what
    re-analysis said about each fix across runs (memo.py); ``progress`` hears which candidate is being verified.
    """

    def __init__(
        self,
        reanalyze: Reanalyze | None = None,
        options: DiscriminatorOptions = DiscriminatorOptions(),
        memo: Memo | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.reanalyze = reanalyze
        self.options = options
        self.memo = memo
        self.progress = progress

    def __call__(self, candidates: Sequence[Candidate], inp: ReviewInput) -> Ranked:
        comments, notes = self.judge(candidates, inp)
        comments = [replace(c, kind=inp.kinds.kind(c.path)) for c in comments]  # ranks source before tests, data
        s = self.options
        ranked = rank(comments, min_score=s.min_score, max_total=s.max_comments, max_per_file=s.max_comments_per_file)
        return replace(ranked, notes=ranked.notes + tuple(notes))

    # -- the checks ---------------------------------------------------------------------------------------------

    def judge(self, candidates: Sequence[Candidate], inp: ReviewInput) -> tuple[list[Comment], list[str]]:
        """Every candidate as a scored Comment (nothing cut yet), and notes for the summary."""
        files = {sf.path: sf for sf in inp.files}
        findings = {f.fingerprint: f for f in inp.evidence.findings if f.fingerprint}
        checks = [Check(c) for c in candidates]
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
            ch.steps["consensus"] = reasons.consensus_step(ch)
        _alternatives(checks)
        self._execute(checks, files, inp, notes)
        comments = [reasons.comment(ch, files.get(ch.candidate.path)) for ch in checks]
        note = reasons.withheld_note(checks, comments)
        if note:
            notes.append(note)
        return comments, notes

    def _apply_and_parse(
        self, ch: Check, files: dict[str, SourceFile], parsers: dict[str, Parser], vocabularies: dict[str, Vocabulary]
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
        self, checks: list[Check], files: dict[str, SourceFile], inp: ReviewInput, notes: list[str]
    ) -> Batch | None:
        todo = [ch for ch in checks if ch.applies and ch.parses and ch.applied is not None]
        if not todo:
            return None
        reason = ""
        if not self.options.verify:
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

    def _execute(self, checks: list[Check], files: dict[str, SourceFile], inp: ReviewInput, notes: list[str]) -> None:
        s = self.options
        eligible = [ch for ch in checks if ch.applied is not None and scoring.suggestion_ok(signals(ch))]
        if not s.test_command:
            for ch in eligible:
                ch.steps["tests"] = "not configured (test-command)"
            return
        if not eligible:
            return
        eligible.sort(key=lambda ch: -scoring.score(signals(ch))[0])
        try:
            # whatever its name, the LLM key never reaches the tests (secret_env)
            runner = ExecutionCheck(s.test_command, s.test_timeout, inp.repo_root, inp.rev, inp.files, s.secret_env)
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
    ch: Check, files: dict[str, SourceFile], parsers: dict[str, Parser], guards: dict[str, Collateral]
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


def _attribute(ch: Check, outcome: Outcome | None, findings: dict[str, Finding], batch: Batch | None) -> None:
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
    ch.steps["reanalysis"] = reasons.reanalysis_step(ch, targets, bool(reproduced), batch.ran if batch else ())


def _alternatives(checks: list[Check]) -> None:
    """Record each fix's size and how familiar its code is to the file, and for a shown fix the fewest unfamiliar
    token pairs among the other shown fixes for overlapping lines: of alternative fixes, the one made of the
    file's own idioms is preferred (naturalness.py)."""
    shown = [ch for ch in checks if ch.applied is not None and scoring.suggestion_ok(signals(ch))]
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


# The pipeline's default when no analyzers are wired in (fixes are checked for applying and parsing only).
discriminate = Discriminator()

"""The review pipeline: Source -> Patch -> analyzers -> Evidence -> reviewer -> Candidates -> discriminator -> Review.

Each stage is passed in, so each can be tested alone and swapped (static reviewer or LLM reviewer, ...).
This module only selects the files, makes the scratch copy the analyzers read, places findings relative to the
diff, and assembles the Review. It never writes into the user's tree. The Review it returns has been through
``reviewbot.publishable`` (secrets redacted, outside links removed): every front end publishes only that.
"""

from __future__ import annotations

import fnmatch
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from reviewbot import filekinds, suppress
from reviewbot.baseline import Baseline
from reviewbot.config import Settings
from reviewbot.content import looks_binary
from reviewbot.contracts import Analyze, Discriminator, Progress, ReviewInput, Reviewer
from reviewbot.diff import ChangedFile, FileStatus, Patch
from reviewbot.filekinds import Classification
from reviewbot.filtering import IN_DATA, REASONS, place_all, select
from reviewbot.models import (
    Comment,
    Evidence,
    FileKind,
    Finding,
    Review,
    SkippedFile,
    SourceFile,
    StageTime,
    Stats,
    Summary,
)
from reviewbot.preexisting import BaseAnalysis, Prior, check
from reviewbot.publishable import Guard, publishable
from reviewbot.pytarget import Target, lower_raised
from reviewbot.sources import Source, check_post_image
from reviewbot.static_reviewer import category_of
from reviewbot.textio import UnsafePath, decode_source


def _included(path: str, settings: Settings) -> bool:
    name = path.rsplit("/", 1)[-1]

    def hit(patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(name, p) for p in patterns)

    return hit(settings.file.include) and not hit(settings.file.exclude)


def skip_reason(f: ChangedFile, settings: Settings) -> str | None:
    """Why a changed file is not analyzed, or None when it is."""
    if f.status is FileStatus.DELETED:
        return "deleted"
    if f.is_submodule:
        return "submodule"
    if f.is_symlink:
        return "symlink (reviewed as a link, not followed)"
    if f.binary:
        return "binary"
    if not _included(f.path, settings):
        return "not python" if not f.is_python else "excluded by config"
    if f.mode_only:
        return "mode change only"
    return None


def collect_files(
    patch: Patch, source: Source, settings: Settings
) -> tuple[tuple[SourceFile, ...], tuple[SkippedFile, ...], tuple[str, ...]]:
    """Read and decode the Python files of the patch; everything else is listed as skipped with a reason."""
    files: list[SourceFile] = []
    skipped: list[SkippedFile] = []
    notes: list[str] = []
    for f in patch.files:
        reason = skip_reason(f, settings)
        if reason is not None:
            skipped.append(SkippedFile(f.path, reason))
            continue
        try:
            after = source.after(f)
            before = source.before(f)
        except UnsafePath as exc:
            skipped.append(SkippedFile(f.path, str(exc)))
            continue
        if after is None:
            skipped.append(SkippedFile(f.path, "missing from the working tree"))
            continue
        if looks_binary(after) or looks_binary(before):  # whatever the diff said: a NUL byte makes it binary
            skipped.append(SkippedFile(f.path, "binary"))
            continue
        if f.hunks and not check_post_image(after, f):
            skipped.append(SkippedFile(f.path, "file does not match the diff (apply the patch first)"))
            continue
        text = decode_source(after)
        if text.lossy:
            notes.append(f"{f.path}: undecodable bytes replaced (declared encoding {text.encoding})")
        before_text = decode_source(before).text if before is not None else None
        files.append(
            SourceFile(
                path=f.path,
                text=text.text,
                before=before_text,
                old_path=f.old_path,
                added_lines=f.added_lines,
                hunks=f.hunk_ranges,
            )
        )
    return tuple(files), tuple(skipped), tuple(notes)


def materialize(files: Sequence[SourceFile], workdir: Path) -> None:
    """Write each post-image to ``workdir / path`` (UTF-8): the only tree the analyzers read."""
    for sf in files:
        target = workdir / sf.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(sf.text, encoding="utf-8", newline="")


@dataclass(frozen=True)
class Analyzed:
    """The analysis half of a review: the change, its Python files, what was skipped and why, the scratch tree
    holding the post-images (alive inside ``analyzed``), and what the analyzers found."""

    patch: Patch
    files: tuple[SourceFile, ...]
    skipped: tuple[SkippedFile, ...]
    notes: tuple[str, ...]
    workdir: Path
    evidence: Evidence


@contextmanager
def analyzed(source: Source, settings: Settings, analyze: Analyze, say: Progress,
             lap: Callable[[str], None] | None = None) -> Iterator[Analyzed]:
    """Read the change, write its post-images to a scratch tree and run ``analyze`` on them (the review and
    ``reviewbot baseline`` both start so); the tree is removed on exit. ``lap("diff")`` marks the end of reading."""
    patch = source.patch()
    files, skipped, notes = collect_files(patch, source, settings)
    with tempfile.TemporaryDirectory(prefix="reviewbot-") as tmp:
        workdir = Path(tmp) / "tree"
        workdir.mkdir()
        materialize(files, workdir)
        if lap is not None:
            lap("diff")
        evidence = Evidence()
        if files:
            say(f"analyzing {len(files)} file(s)")
            evidence = analyze(files, workdir, source)
        yield Analyzed(patch, files, skipped, notes, workdir, evidence)


def run_review(
    source: Source,
    settings: Settings,
    *,
    analyze: Analyze,
    reviewer: Reviewer,
    discriminator: Discriminator,
    progress: Progress | None = None,
    baseline: Baseline | None = None,
    notes: Sequence[str] = (),
    guard: Guard | None = None,
    python: str = "",
    base_analysis: BaseAnalysis | None = None,
    target: Target | None = None,
) -> Review:
    """Review ``source``; ``notes`` go to the summary, and ``python`` (what the code is judged for) too. The result is publishable: ``guard`` (default: this
    environment's secrets and the configured link hosts) has redacted and defanged every text in it.
    ``base_analysis``: how to analyze the base version, so that a finding on a changed line the base already had
    is cut as ``pre-existing`` (``reviewbot.preexisting``); None: no such check. ``target``: the Python the code is
    judged for; when the change raises it, syntax the new minimum has is not held against it (``lower_raised``)."""
    started = time.monotonic()
    clock = _Clock()
    say = progress or (lambda _msg: None)
    say(f"reading {source.description}")
    with analyzed(source, settings, analyze, say, lap=clock.lap) as first:
        patch, files, skipped, read_notes, workdir, evidence = (
            first.patch, first.files, first.skipped, first.notes, first.workdir, first.evidence
        )
        readers = filekinds.tree_readers(source.root, source.rev)
        kinds = filekinds.classify(files, settings.file.files, evidence.findings, readers)
        mode = settings.file.filter
        findings = lower_raised(evidence.findings, target) if target is not None else evidence.findings
        placed = place_all(findings, files)  # the one placement; the rest only marks, select decides
        screened = suppress.apply(placed, files, evidence.statuses, mode, evidence.silenced)
        known = baseline.known(placed, files, skip=screened.at) if baseline is not None else frozenset()

        def unreported(f: Finding) -> bool:
            return not _reported_in(kinds.kind(f.path), category_of(f), f.cwe)

        prior = Prior()
        if base_analysis is not None:  # what is cut anyway needs no look at the base
            cut_anyway = screened.at | known | frozenset(i for i, f in enumerate(placed) if unreported(f))
            prior = check(placed, files, base_analysis, skip=cut_anyway)
            if prior.checked:
                say(f"checked {prior.checked} finding(s) on changed lines against the base version")
        selection = select(
            placed,
            mode,
            suppressed=screened.at,
            known=known,
            pre_existing=prior.at,
            unreported=unreported,
            lower=lambda fs: filekinds.in_test_code(fs, kinds),
        )
        evidence = replace(evidence, findings=selection.kept)
        inp = ReviewInput(patch, files, evidence, workdir, source.root, source.rev, kinds)
        clock.lap("analyzers")
        candidates, stats = reviewer(inp)
        clock.lap("llm")
        kept = [c for c in candidates if _reported_in(kinds.kind(c.path), c.category, c.cwe)]
        say(f"ranking {len(kept)} candidate(s)")
        ranked = discriminator(kept, inp)
        clock.lap("discriminator")
    cut = dict(ranked.cut)
    counts = selection.cut + Counter({IN_DATA: len(candidates) - len(kept)})  # candidates in data files too
    cut.update((reason, counts[reason]) for reason in REASONS if counts[reason])
    summary = Summary(
        files_reviewed=tuple(sf.path for sf in files),
        files_skipped=skipped,
        analyzers=evidence.statuses,
        metrics=tuple(m for m in evidence.metrics if m.name == "cc" and m.delta),
        cut=cut,
        notes=(read_notes + screened.notes + prior.notes + _tests_note(selection.lowered) + stats.notes + ranked.notes
               + tuple(notes)),
        moved_to_summary=_kinded(
            ranked.moved_to_summary + tuple(_summary_comment(f) for f in selection.elsewhere), kinds
        ),
        python=python,
        file_kinds=kinds.files,
    )
    # notes went to the summary
    stats = replace(stats, seconds=round(time.monotonic() - started, 3), notes=(), stages=tuple(clock.laps))
    review = Review(
        _kinded(ranked.comments, kinds),
        summary,
        stats,
        _kinded(ranked.rejected + tuple(_pre_existing_comment(placed[i], why) for i, why in sorted(prior.why.items())),
                kinds),
        _kinded(ranked.over_budget, kinds),
    )
    return publishable(review, guard if guard is not None else Guard.for_run(settings))


class _Clock:
    """The stages' seconds, each from the end of the one before (the first from the clock's start)."""

    def __init__(self) -> None:
        self.laps: list[StageTime] = []
        self._last = time.monotonic()

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.laps.append(StageTime(name, round(now - self._last, 3)))
        self._last = now


def _tests_note(lowered: int) -> tuple[str, ...]:
    if not lowered:
        return ()
    return (f"{lowered} bandit finding{'s' if lowered != 1 else ''} in test code ranked as info (the data is the "
            "test's own and the code does not ship)",)


def _reported_in(kind: FileKind, category: str, cwe: int | None) -> bool:
    """Whether a finding or candidate in a file of ``kind`` may be reported: in data, only what matters there."""
    return kind is not FileKind.DATA or filekinds.matters_in_data(category, cwe)


def _kinded(comments: Sequence[Comment], kinds: Classification) -> tuple[Comment, ...]:
    return tuple(replace(c, kind=kinds.kind(c.path)) for c in comments)


def _pre_existing_comment(f: Finding, why: str) -> Comment:
    """A finding the base version already had, as a rejected comment saying so (the JSON report lists it)."""
    return replace(_summary_comment(f), category=category_of(f), reason=why)


def _summary_comment(f: Finding) -> Comment:
    return Comment(
        path=f.path,
        line=f.line,
        end_line=f.end_line,
        severity=f.severity,
        origin=f.origin,
        body=f.message,
        score=0.0,
        reason="in a file this change does not touch, so it cannot be an inline comment",
        cwe=f.cwe,
        sources=(f.origin,),
        fingerprint=f.fingerprint,
    )


def default_jobs() -> int:
    return max(1, min(8, os.cpu_count() or 1))

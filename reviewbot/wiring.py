"""Wiring for a local review: pick the Source from the CLI flags, build the stages from the settings, run."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reviewbot import git, pytarget
from reviewbot.analyzers.base import Analyzer, Options, Traits
from reviewbot.baseline import Baseline
from reviewbot.config import Settings
from reviewbot.contracts import Discriminator, DiscriminatorOptions, Progress, Reviewer
from reviewbot.errors import ReviewbotError
from reviewbot.models import Evidence, Review, SourceFile
from reviewbot.pipeline import run_review
from reviewbot.preexisting import BaseAnalysis
from reviewbot.pytarget import Target

if TYPE_CHECKING:
    from reviewbot.discriminator.memo import Memo
from reviewbot.sources import (
    AllFilesSource,
    PatchSource,
    RangeSource,
    Source,
    StagedSource,
    WorktreeSource,
    hook_index_file,
    read_patch_text,
    repo_root_or_cwd,
)


def _relative(paths: Sequence[str], cwd: Path, root: Path) -> tuple[str, ...]:
    out = []
    for p in paths:
        full = (cwd / p).resolve() if not Path(p).is_absolute() else Path(p).resolve()
        try:
            out.append(full.relative_to(root.resolve()).as_posix() or ".")
        except ValueError:
            raise ReviewbotError(f"{p}: outside the repository {root}") from None
    return tuple(out)


def build_source(
    cwd: Path,
    *,
    paths: Sequence[str] = (),
    staged: bool = False,
    base: str | None = None,
    head: str | None = None,
    merge_base: bool = True,
    patch_file: str | None = None,
    all_files: bool = False,
) -> Source:
    if patch_file is not None:
        text, origin = read_patch_text(patch_file, sys.stdin.buffer.read() if patch_file == "-" else None)
        root = repo_root_or_cwd(cwd)
        return PatchSource(text, root, origin=origin, paths=_relative(paths, cwd, root))
    if all_files:
        root = repo_root_or_cwd(cwd)
        in_repo = (root / ".git").exists() or root != cwd
        try:
            git.toplevel(cwd)
        except ReviewbotError:
            in_repo = False
        return AllFilesSource(root, _relative(paths, cwd, root), in_repo=in_repo)
    root = git.toplevel(cwd)
    rel = _relative(paths, cwd, root)
    if base is not None:
        return RangeSource(root, base, head or "HEAD", merge_base, rel)
    if staged:
        return StagedSource(root, rel, index_file=hook_index_file(cwd))
    return WorktreeSource(root, rel)


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("REVIEWBOT_CACHE_DIR") or user_cache_dir("reviewbot"))


def _analyzer_stage(settings: Settings) -> tuple[list[str], list[Analyzer], dict[str, Options]]:
    """The enabled adapters (names, adapters) and their options; what only feeds the LLM's prompts is off without
    one."""
    from reviewbot import analyzers as registry

    names = list(settings.enabled_analyzers)
    adapters = [registry.load(n) for n in names]
    options = {n: settings.options_for(n) for n in names}
    if not settings.file.llm.enabled:  # what only feeds the LLM's prompts is not computed without one
        options = _without_prompt_only(zip(names, adapters), options)
    return names, adapters, options


def _run_stage(
    settings: Settings, adapters: Sequence[Analyzer], options: dict[str, Options], files: Sequence[SourceFile],
    workdir: Path, root: Path | None, rev: str | None, python: str,
) -> Evidence:
    from reviewbot.analysis import run_analyzers
    from reviewbot.cache import Cache

    cache = None
    if settings.file.cache:
        cache = Cache(Path(settings.file.cache_dir) if settings.file.cache_dir else default_cache_dir())
    return run_analyzers(
        adapters,
        files,
        workdir,
        options,
        repo_root=root,
        rev=rev,
        cache=cache,
        jobs=settings.file.jobs,
        scope="hunks" if settings.file.filter in ("added", "diff_context") else "file",
        python=python,
    )


def make_analyze(settings: Settings, python: str = ""):  # type: ignore[no-untyped-def]
    """The analyzer stage for these settings: the enabled adapters, run in parallel, with the result cache.
    ``python``: the project's oldest Python, "X.Y" (reviewbot/pytarget.py)."""
    _names, adapters, options = _analyzer_stage(settings)

    def analyze(files: Sequence[SourceFile], workdir: Path, source: Source) -> Evidence:
        if not adapters:
            return Evidence()
        return _run_stage(settings, adapters, options, files, workdir, source.root, source.rev, python)

    return analyze


def make_base_analysis(settings: Settings, root: Path | None, python: str = "") -> BaseAnalysis:
    """The pre-existing check's analysis of the base version (reviewbot/preexisting.py): the enabled adapters whose
    findings depend on a file's text alone, with the review's options, cache and scope, on pre-images in a scratch
    tree. ``root``: the repository, only kept out of the tools' reach (as for the head)."""
    names, adapters, options = _analyzer_stage(settings)
    comparable = {n: a for n, a in zip(names, adapters) if Traits.of(a).compared_with_base}

    def run(files: Sequence[SourceFile], workdir: Path, tools: frozenset[str]) -> Evidence:
        chosen = [a for n, a in comparable.items() if n in tools]
        if not chosen:
            return Evidence()
        return _run_stage(settings, chosen, options, files, workdir, root, None, python)

    return BaseAnalysis(frozenset(comparable), run)


def _without_prompt_only(
    named: Iterable[tuple[str, Analyzer]], options: dict[str, Options]
) -> dict[str, Options]:
    """``options`` (by analyzer name) with each adapter's ``prompt_only`` switches off."""
    out = dict(options)
    for name, adapter in named:
        off = {key: False for key in Traits.of(adapter).prompt_only if key in type(out[name]).model_fields}
        if off:
            out[name] = out[name].model_copy(update=off)
    return out


def _reanalysis_stage(settings: Settings) -> tuple[list[Analyzer], dict[str, Options]]:
    """The adapters and options the discriminator re-runs on patched fixes."""
    from reviewbot import analyzers as registry

    loaded = [(n, registry.load(n)) for n in settings.enabled_analyzers]
    named = [(n, a) for n, a in loaded if Traits.of(a).reanalyzed]
    return [a for _, a in named], _without_prompt_only(named, {n: settings.options_for(n) for n, _ in named})


def make_memo(settings: Settings, python: str = "") -> Memo | None:
    """The verification memo (what re-analysis said about each fix, kept in the cache directory), or None when the
    cache is off."""
    if not settings.file.cache:
        return None
    from reviewbot.analysis_cache import fingerprint
    from reviewbot.discriminator.memo import Memo

    root = Path(settings.file.cache_dir) if settings.file.cache_dir else default_cache_dir()
    return Memo(root, lambda: fingerprint(*_reanalysis_stage(settings), python=python))


def make_reanalyze(settings: Settings, python: str = ""):  # type: ignore[no-untyped-def]
    """The discriminator's re-analysis of patched variants (one batch for all of them): the review's adapters and
    options, without a repository (the variants live only in a scratch dir) and without the analyzer cache (the
    discriminator keeps whole outcomes instead: make_memo)."""
    adapters, options = _reanalysis_stage(settings)

    def reanalyze(files: Sequence[SourceFile], workdir: Path) -> Evidence:
        if not adapters:
            return Evidence()
        from reviewbot.analysis import run_analyzers

        return run_analyzers(
            adapters,
            files,
            workdir,
            options,
            repo_root=None,
            rev=None,
            cache=None,
            jobs=settings.file.jobs,
            python=python,
        )

    return reanalyze


def discriminator_options(settings: Settings) -> DiscriminatorOptions:
    """The keys of the settings the discriminator reads."""
    s = settings.file
    return DiscriminatorOptions(
        min_score=s.min_score,
        max_comments=s.max_comments,
        max_comments_per_file=s.max_comments_per_file,
        verify=s.verify,
        test_command=s.test_command,
        test_timeout=s.test_timeout,
        secret_env=(s.llm.resolved_key_env(),),
    )


def make_discriminator(settings: Settings, python: str = "", progress: Progress | None = None) -> Discriminator:
    """The discriminator for these settings, re-analysing fixes with the review's adapters."""
    from reviewbot.discriminator.core import Discriminator as Checks

    return Checks(make_reanalyze(settings, python=python), discriminator_options(settings),
                  memo=make_memo(settings, python=python), progress=progress)


def make_reviewer(settings: Settings) -> Reviewer:
    """The static reviewer, or the LLM reviewer (which keeps the static candidates) when an LLM is configured."""
    from reviewbot.static_reviewer import static_review

    llm = settings.file.llm
    if not llm.enabled:
        return static_review
    from reviewbot.llm.reviewer import LLMReviewer

    cache_dir = None
    if settings.file.cache and llm.cache:
        cache_dir = Path(settings.file.cache_dir) if settings.file.cache_dir else default_cache_dir()
    return LLMReviewer(llm, cache_dir=cache_dir)


def execute(
    source: Source,
    settings: Settings,
    *,
    progress: Progress | None = None,
    baseline: Baseline | None = None,
    notes: Sequence[str] = (),
    repo_hosts: Sequence[str] = (),
    target: Target | None = None,
) -> Review:
    """Review ``source`` with the stages the settings choose. The Review is publishable: secrets redacted, links
    only to ``repo_hosts`` (the Action's GITHUB_SERVER_URL host) and the configured ``link-hosts``.
    ``target``: the Python the code is judged for (default: ``pytarget.for_review``; its warnings become notes)."""
    from reviewbot.publishable import Guard

    if target is None:
        target = pytarget.for_review(source, settings.file.python_version)
    return run_review(
        source,
        settings,
        analyze=make_analyze(settings, python=target.minimum),
        reviewer=make_reviewer(settings),
        discriminator=make_discriminator(settings, python=target.minimum, progress=progress),
        progress=progress,
        baseline=baseline,
        notes=(*(f"target Python: {w}" for w in target.warnings), *notes),
        guard=Guard.for_run(settings, repo_hosts=repo_hosts),
        python=target.describe(),
        base_analysis=make_base_analysis(settings, source.root, python=target.minimum),
        target=target,
    )

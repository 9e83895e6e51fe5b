"""Wiring for a local review: pick the Source from the CLI flags, build the stages from the settings, run."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from reviewbot import git
from reviewbot.analyzers.base import SourceFile
from reviewbot.config import Settings
from reviewbot.errors import ReviewbotError
from reviewbot.models import Evidence, Review
from reviewbot.pipeline import Progress, run_review
from reviewbot.sources import (
    AllFilesSource,
    PatchSource,
    RangeSource,
    Source,
    StagedSource,
    WorktreeSource,
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
        return StagedSource(root, rel)
    return WorktreeSource(root, rel)


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("REVIEWBOT_CACHE_DIR") or user_cache_dir("reviewbot"))


def make_analyze(settings: Settings):  # type: ignore[no-untyped-def]
    """The analyzer stage for these settings: the enabled adapters, run in parallel, with the result cache."""
    from reviewbot import analyzers as registry

    names = settings.enabled_analyzers
    adapters = [registry.load(n) for n in names]

    def analyze(files: Sequence[SourceFile], workdir: Path, source: Source) -> Evidence:
        if not adapters:
            return Evidence()
        from reviewbot.analysis import run_analyzers
        from reviewbot.cache import Cache

        cache = None
        if settings.file.cache:
            cache = Cache(Path(settings.file.cache_dir) if settings.file.cache_dir else default_cache_dir())
        return run_analyzers(
            adapters,
            files,
            workdir,
            {n: settings.options_for(n) for n in names},
            repo_root=source.root,
            rev=source.rev,
            trusted={},
            cache=cache,
            jobs=settings.file.jobs,
        )

    return analyze


def execute(source: Source, settings: Settings, *, progress: Progress | None = None) -> Review:
    from reviewbot.discriminator.core import discriminate
    from reviewbot.reviewer import static_review

    return run_review(
        source,
        settings,
        analyze=make_analyze(settings),
        reviewer=static_review,
        discriminator=discriminate,
        progress=progress,
    )

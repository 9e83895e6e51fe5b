"""The stage contracts: what the orchestrator hands each stage, what the stages hand back, and the options each
stage reads. The orchestrator (``reviewbot.pipeline``, wired by ``reviewbot.wiring``) imports this module; no
stage imports the orchestrator.

    Source -> Patch -> Analyze(files) -> Evidence -> Reviewer(ReviewInput) -> Candidates
           -> Discriminator(Candidates, ReviewInput) -> Ranked -> Review

``ReviewInput`` is data about the change only. A stage's settings are given to it when the wiring builds it, as a
small frozen value holding just the keys it reads (``DiscriminatorOptions``; the LLM reviewer takes
``LLMSettings``; the analyzer runner takes each adapter's ``Options``), never the whole configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from reviewbot.diff import Patch
from reviewbot.filekinds import Classification
from reviewbot.models import Candidate, Comment, Evidence, SourceFile, Stats
from reviewbot.sources import Source


@dataclass(frozen=True)
class ReviewInput:
    """What the reviewer and the discriminator see: the change, its files, the evidence, where the files live."""

    patch: Patch
    files: tuple[SourceFile, ...]
    evidence: Evidence
    workdir: Path
    repo_root: Path | None
    rev: str | None
    kinds: Classification = Classification()  # source / tests / data of each file (reviewbot/filekinds.py)


@dataclass(frozen=True)
class Ranked:
    """The discriminator's output."""

    comments: tuple[Comment, ...]
    rejected: tuple[Comment, ...] = ()
    cut: tuple[tuple[str, int], ...] = ()  # reason -> count
    notes: tuple[str, ...] = ()
    moved_to_summary: tuple[Comment, ...] = ()
    over_budget: tuple[Comment, ...] = ()  # cleared the threshold, cut by the noise budget


@dataclass(frozen=True)
class DiscriminatorOptions:
    """The settings the discriminator reads (``[tool.reviewbot]`` keys of the same names; the defaults are the
    config's, which a test checks). ``secret_env``: variables that never reach the test command, whatever their
    names (the LLM key's)."""

    min_score: float = 0.5
    max_comments: int = 10
    max_comments_per_file: int = 3
    verify: bool = True
    test_command: str | tuple[str, ...] | None = None
    test_timeout: float = 300.0
    secret_env: tuple[str, ...] = ()


Analyze = Callable[[Sequence[SourceFile], Path, Source], Evidence]
Progress = Callable[[str], None]


class Reviewer(Protocol):
    def __call__(self, inp: ReviewInput) -> tuple[Sequence[Candidate], Stats]: ...


class Discriminator(Protocol):
    def __call__(self, candidates: Sequence[Candidate], inp: ReviewInput) -> Ranked: ...

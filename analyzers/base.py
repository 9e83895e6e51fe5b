"""The one small interface every analyzer adapter satisfies, and the inputs it receives.

An adapter module imports only this module and ``reviewbot.models``. It never raises for bad input: a file that
does not parse, a tool that crashes or times out, or a missing tool becomes ``AnalyzerResult.error`` / ``notes``.
It never imports or executes code from the scanned tree, and never writes into it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from reviewbot.models import AnalyzerResult


class Options(BaseModel):
    """Base of every analyzer's options (``[tool.reviewbot.analyzers.<name>]``): frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    timeout: float = 120.0  # seconds for the whole batch


@dataclass(frozen=True)
class SourceFile:
    """One changed Python file as the analyzers see it."""

    path: str  # repository-relative POSIX path of the post-image
    text: str  # post-image text
    before: str | None = None  # pre-image text; None for an added file
    old_path: str | None = None  # pre-image path when renamed
    added_lines: frozenset[int] = frozenset()  # new-file line numbers added by the change
    hunks: tuple[tuple[int, int], ...] = ()  # new-file (start, end) line ranges of the hunks, inclusive


@dataclass(frozen=True)
class AnalysisContext:
    """Where and how to analyze. ``workdir`` holds each file's post-image at ``workdir / path``: a scratch copy
    made by reviewbot, never the user's tree, so tools can run on real files without touching (or trusting) it."""

    workdir: Path
    options: Options
    repo_root: Path | None = None  # the repository, read-only (e.g. `git grep` for call sites); None for a bare patch
    rev: str | None = None  # revision of the post-image in repo_root; None means the working tree
    trusted: Mapping[str, Any] = field(default_factory=dict)  # settings from the trusted config (rcfile, rule paths)
    # What of each file the review reports on: all of it, or only its hunks (added and context lines). An adapter
    # may skip work that cannot produce a finding inside the scope (semgrep leaves untouched function bodies out).
    scope: Literal["file", "hunks"] = "file"
    # The oldest Python the project supports, "X.Y" (reviewbot/pytarget.py); "" for the running interpreter's.
    # Adapters pass it to tools that have a setting for it (pylint --py-version); it is part of every cache key.
    python: str = ""


class Analyzer(Protocol):
    """An analyzer adapter. ``Options`` is validated at config load time; ``version()`` keys the cache."""

    name: ClassVar[str]
    Options: ClassVar[type[Options]]
    per_file: ClassVar[bool]  # True when results of a file depend only on that file (cacheable per file)

    def version(self) -> str: ...

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult: ...


def wants_in_process(analyzer: object, files: Sequence[SourceFile], ctx: AnalysisContext) -> bool:
    """Whether ``analyzer`` asks to run in a thread of the review's process instead of a worker process of its own
    (optional hook ``in_process(files, ctx) -> bool``): when its own work costs less than a worker's start-up (an
    interpreter and reviewbot's imports, about 0.2 s of CPU), because it only drives a tool started through
    ``reviewbot.procs``, which isolates, times out and kills the tool by itself. A failing hook means no."""
    hook = getattr(analyzer, "in_process", None)
    try:
        return hook is not None and bool(hook(files, ctx))
    except Exception:  # noqa: BLE001 - a broken hook only costs the shortcut
        return False

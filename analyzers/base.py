"""The one small interface every analyzer adapter satisfies, and the inputs it receives.

An adapter module imports only this module and ``reviewbot.models`` (``SourceFile`` is defined there, with the
other values every stage shares, and re-exported here as part of the adapter interface). It never raises for bad
input: a file that does not parse, a tool that crashes or times out, or a missing tool becomes
``AnalyzerResult.error`` / ``notes``. It never imports or executes code from the scanned tree, and never writes into it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from reviewbot.models import AnalyzerResult, SourceFile

__all__ = ["AnalysisContext", "Analyzer", "AnalyzerResult", "Options", "SourceFile"]


class Options(BaseModel):
    """Base of every analyzer's options (``[tool.reviewbot.analyzers.<name>]``): frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    timeout: float = 120.0  # seconds for the whole batch


@dataclass(frozen=True)
class AnalysisContext:
    """Where and how to analyze. ``workdir`` holds each file's post-image at ``workdir / path``: a scratch copy
    made by reviewbot, never the user's tree, so tools can run on real files without touching (or trusting) it.

    Nothing here names a file for a tool to load: an adapter that can take one (a pylint rc file, extra semgrep
    rule files) takes it as a constructor argument, and the review constructs every adapter without arguments."""

    workdir: Path
    options: Options
    repo_root: Path | None = None  # the repository, read-only (e.g. `git grep` for call sites); None for a bare patch
    rev: str | None = None  # revision of the post-image in repo_root; None means the working tree
    # What of each file the review reports on: all of it, or only its hunks (added and context lines). An adapter
    # may skip work that cannot produce a finding inside the scope (semgrep leaves untouched function bodies out).
    scope: Literal["file", "hunks"] = "file"
    # The oldest Python the project supports, "X.Y" (reviewbot/pytarget.py); "" for the running interpreter's.
    # Adapters pass it to tools that have a setting for it (pylint --py-version); it is part of every cache key.
    python: str = ""


class Analyzer(Protocol):
    """An analyzer adapter. ``Options`` is validated at config load time; ``version()`` keys the cache.

    What the runner and the wiring need to know beyond these members, an adapter declares as class attributes
    or methods named as the fields of ``Traits`` (``splittable``, ``min_batch``, ``cost_per_kloc``,
    ``startup_s``, ``prompt_only``, ``reanalyzed``, ``compared_with_base``, ``settings_key(ctx)``,
    ``cache_key(files, ctx)``); what it does not declare takes the default there. ``Traits.of`` is the one place
    that reads them: nothing else looks an adapter up by its name or probes it for attributes.
    """

    name: ClassVar[str]
    Options: ClassVar[type[Options]]
    per_file: ClassVar[bool]  # True when results of a file depend only on that file (cacheable per file)

    def version(self) -> str: ...

    def analyze(self, files: Sequence[SourceFile], ctx: AnalysisContext) -> AnalyzerResult: ...


@dataclass(frozen=True)
class Traits:
    """What the runner (``reviewbot.analysis``) and the wiring (``reviewbot.wiring``) know of an adapter."""

    name: str
    per_file: bool = False
    splittable: bool = False  # batches of files may run in parallel (only with per_file)
    min_batch: int = 4  # fewest files worth a batch of their own (higher for tools with a costly start)
    # Rough CPU seconds per 1000 lines and to start, measured on the stdlib: only the order in which tasks
    # start depends on them (the longest first, so that the long poles do not start last).
    cost_per_kloc: float = 0.5
    startup_s: float = 0.5
    # Boolean options that only feed the LLM's prompts: turned off when no LLM is configured, and when the
    # discriminator re-analyses patched fixes.
    prompt_only: tuple[str, ...] = ()
    reanalyzed: bool = True  # re-run on the discriminator's patched variants (False: it feeds prompts only)
    # Its findings are a property of the file's own text, so the base version's findings can be compared with
    # them: a finding on a changed line that the pre-image already had is not reported (reviewbot/preexisting.py).
    # False for findings about the change itself (radon's complexity deltas, facts' call sites).
    compared_with_base: bool = False
    # Cache-key material beyond the options and the version: what else decides the results, e.g. the content of
    # the rule files the adapter was constructed with; None: nothing else does.
    settings_key: Callable[[AnalysisContext], str] | None = field(default=None, compare=False)
    # A key for caching a not-per-file adapter as a whole (None from it: do not cache); None: never cached.
    cache_key: Callable[[Sequence[SourceFile], AnalysisContext], str | None] | None = field(
        default=None, compare=False
    )
    # Whether to run in a thread of the review's process for these files (see wants_in_process); None: never.
    in_process: Callable[[Sequence[SourceFile], AnalysisContext], bool] | None = field(default=None, compare=False)

    @classmethod
    def of(cls, analyzer: object) -> Traits:
        declared = {f.name: getattr(analyzer, f.name) for f in fields(cls) if hasattr(analyzer, f.name)}
        declared.setdefault("name", type(analyzer).__name__)
        return cls(**declared)


def wants_in_process(analyzer: object, files: Sequence[SourceFile], ctx: AnalysisContext) -> bool:
    """Whether ``analyzer`` asks to run in a thread of the review's process instead of a worker process of its own
    (optional hook ``in_process(files, ctx) -> bool``): when its own work costs less than a worker's start-up (an
    interpreter and reviewbot's imports, about 0.2 s of CPU), because it only drives a tool started through
    ``reviewbot.procs``, which isolates, times out and kills the tool by itself. A failing hook means no."""
    hook = Traits.of(analyzer).in_process
    try:
        return hook is not None and bool(hook(files, ctx))
    except Exception:  # noqa: BLE001 - a broken hook only costs the shortcut
        return False

"""Fixtures for the discriminator tests: real files, real analyzers (through the project's runner)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from reviewbot.config import FileSettings, Settings
from reviewbot.contracts import DiscriminatorOptions, ReviewInput
from reviewbot.diff import Patch
from reviewbot.models import Candidate, Evidence, Fix, Severity, SourceFile


def source_file(path: str, text: str) -> SourceFile:
    """A changed file whose every line is added (as for a new file)."""
    n = max(1, len(text.splitlines()))
    return SourceFile(path=path, text=text, added_lines=frozenset(range(1, n + 1)), hunks=((1, n),))


NO_EVIDENCE = Evidence()


def review_input(files: Sequence[SourceFile], evidence: Evidence = NO_EVIDENCE) -> ReviewInput:
    return ReviewInput(Patch(()), tuple(files), evidence, Path("/nonexistent"), None, None)


def options(**settings: object) -> DiscriminatorOptions:
    """The discriminator's options for these ``[tool.reviewbot]`` keys, built by the wiring from the config."""
    from reviewbot.wiring import discriminator_options

    return discriminator_options(Settings(FileSettings.model_validate(settings)))


def llm(path: str, line: int, replacement: str | None, *, sample: int = 0, confidence: float = 0.7,
        end_line: int | None = None, severity: Severity = Severity.WARNING, model: str = "m",
        cites: tuple[str, ...] = ()) -> Candidate:
    end = end_line if end_line is not None else line
    fix = Fix(line, end, replacement) if replacement is not None else None
    return Candidate(path, line, end, severity, "proposed by a model", f"llm:{model}#{sample}", fix=fix,
                     confidence=confidence, cites=cites)


class Counting:
    """A re-analysis callable that counts its calls and the files of each."""

    def __init__(self, inner: Callable[[Sequence[SourceFile], Path], Evidence]) -> None:
        self.inner = inner
        self.batches: list[int] = []

    def __call__(self, files: Sequence[SourceFile], workdir: Path) -> Evidence:
        self.batches.append(len(files))
        return self.inner(files, workdir)


def reanalyzer(*names: str) -> Counting:
    """The wiring's re-analysis (wiring.make_reanalyze) restricted to ``names``."""
    from reviewbot.wiring import make_reanalyze

    settings = Settings(FileSettings.model_validate({"analyzers": list(names), "jobs": 2}))
    return Counting(make_reanalyze(settings))


@pytest.fixture(scope="session")
def bandit_reanalyze() -> Counting:
    return reanalyzer("bandit")

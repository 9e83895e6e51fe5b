"""Fixtures of the analyzer tests: a scratch work tree, real git repositories (``tests.helpers.GitRepo``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from reviewbot.models import SourceFile

from tests.analyzers.support import materialize


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "tree"
    path.mkdir()
    return path


@pytest.fixture
def write(workdir: Path) -> Callable[[Sequence[SourceFile]], Path]:
    """``write(files)`` materializes the post-images under ``workdir`` and returns it."""

    def go(files: Sequence[SourceFile]) -> Path:
        return materialize(workdir, files)

    return go

"""Fixtures of the local-use tests: the marker analyzer (flags ``eval(`` with a fix and ``print(``), a repo with a
flagged change, and running the CLI in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewbot import analyzers
from reviewbot.cli import main
from tests.cli.marker_main import MARKER
from tests.helpers import GitRepo


@pytest.fixture(autouse=True)
def marker_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(analyzers.BUILTIN, "marker", MARKER)


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``cli(repo_path, *args)`` runs ``reviewbot *args`` in that directory and returns code, stdout, stderr."""

    def run(cwd: Path, *args: str) -> Result:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def flagged(repo: GitRepo) -> GitRepo:
    """A committed app.py, then a working-tree change adding an ``eval(`` (error, with a fix)."""
    repo.write("app.py", "import ast\n\n\ndef load(text):\n    return text\n")
    repo.commit("base")
    repo.write("app.py", "import ast\n\n\ndef load(text):\n    return eval(text)\n")
    return repo

"""facts without descriptions: a modified file whose functions all keep their signatures (ast says) is not parsed
with libcst, and the findings and facts are exactly those of parsing every file."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewbot.analyzers import _ast_signatures, _defs
from reviewbot.analyzers.base import AnalysisContext, SourceFile
from reviewbot.analyzers.facts import Facts, FactsOptions
from reviewbot.models import AnalyzerResult
from tests.analyzers.support import changed
from tests.helpers import GitRepo

BASE = '''\
import json


class Store:
    def load(self, path, mode="r", *, retries=3, **extra):
        return open(path, mode).read()

    @property
    def size(self):
        return 1


def parse(data, strict=False):
    return json.loads(data)
'''


@pytest.mark.parametrize("after, same", [
    (BASE.replace("return 1", "return 2"), True),  # bodies change
    (BASE.replace("def parse(data, strict=False):", "def parse(data: str, strict: bool = False) -> dict:"), True),
    (BASE.replace("import json\n", "import json\n\n\ndef added(x):\n    return x\n"), True),  # a new def: no pair
    (BASE.replace("strict=False", "strict=True"), False),  # a default's text
    (BASE.replace("strict=False", "strict=(False)"), False),  # as written: facts compares the source text
    (BASE.replace("strict=False", "strict = False"), True),  # blanks around the `=` are not part of it
    (BASE.replace("strict=False", "strict=( False )"), False),
    (BASE.replace("def parse(data, strict=False):", "def parse(data, strict=(False)):"), False),  # same, yet
    (BASE.replace("def parse(data, strict=False):", "def parse(\n    data,\n    strict=False,\n):"), True),
    (BASE.replace("data, strict", "blob, strict"), False),
    (BASE.replace("*, retries=3", "retries=3"), False),  # keyword-only no more
    (BASE.replace("**extra", "**more"), False),
    (BASE.replace("def parse(data, strict=False):", "def parse(data, /, strict=False):"), False),
    (BASE.replace("class Store:", "class Store:\n    def load(self):\n        pass\n"), False),  # the 1st load moved
    (BASE + "\ndef broken(:\n", False),  # does not parse: libcst decides
])
def test_unchanged(after: str, same: bool) -> None:
    assert _ast_signatures.unchanged(changed("m.py", after, BASE)) is same


def test_an_added_file_is_never_unchanged() -> None:
    assert not _ast_signatures.unchanged(SourceFile("m.py", BASE))


def test_defaults_are_read_as_written_whatever_the_encoding() -> None:
    text = 'def f(a="é", b="\\u00e9", c=(\n    1,\n)):\n    pass\n'
    shapes = _ast_signatures.shapes(text)
    assert shapes == {("f", 0): ((), (("a", '"é"'), ("b", '"\\u00e9"'), ("c", "(\n    1,\n)")), None, (), None)}


CORE = '''\
def area(w, h):
    return w * h


def perimeter(w, h):
    return 2 * (w + h)
'''

USE = '''\
from geo.core import area


def total(w, h):
    return area(w, h) + 1
'''


def run(repo: GitRepo, files: list[SourceFile]) -> AnalyzerResult:
    ctx = AnalysisContext(repo.path, FactsOptions(descriptions=False), repo_root=repo.path, rev=None)
    return Facts().analyze(files, ctx)


@pytest.fixture
def change(tmp_path: Path) -> tuple[GitRepo, list[SourceFile]]:
    """One signature change (area loses ``h``) among files whose functions keep theirs, one of them calling it."""
    repo = GitRepo(tmp_path / "repo").init()
    repo.write("geo/__init__.py", "")
    repo.write("geo/core.py", CORE)
    repo.write("geo/use.py", USE)
    for i in range(5):
        repo.write(f"geo/m{i}.py", f"def f{i}(a, b=1):\n    return a + b\n")
    repo.write("app.py", "from geo.core import area\n\nprint(area(1, 2))\n")
    repo.commit("base")
    after = CORE.replace("def area(w, h):\n    return w * h", "def area(w):\n    return w * w")
    files = [changed("geo/core.py", after, CORE), changed("geo/use.py", USE.replace("+ 1", "+ 2"), USE)]
    files += [changed(f"geo/m{i}.py", f"def f{i}(a: int, b: int = 1) -> int:\n    return a + b\n",
                      f"def f{i}(a, b=1):\n    return a + b\n") for i in range(5)]
    for sf in files:
        repo.write(sf.path, sf.text)
    return repo, files


def test_fewer_libcst_parses_and_the_same_result(
    change: tuple[GitRepo, list[SourceFile]], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, files = change
    parsed: list[str] = []
    real_parse = _defs.parse

    def counting(path: str, text: str) -> object:
        parsed.append(path)
        return real_parse(path, text)

    monkeypatch.setattr(_defs, "parse", counting)
    quick = run(repo, files)
    # core.py before and after (its signature changed), and use.py's post-image (it names `area`): not the others
    assert sorted(parsed) == ["geo/core.py", "geo/core.py", "geo/use.py"]
    assert sorted((f.path, f.line) for f in quick.findings) == [("app.py", 3), ("geo/use.py", 5)]
    parsed.clear()
    monkeypatch.setattr(_ast_signatures, "unchanged", lambda sf: False)  # as before: every modified file through libcst
    every = run(repo, files)
    assert len(parsed) == 2 * len(files)
    assert every == quick

"""pylint's function-redefined when the first definition was used before the name was bound again
(analyzers/_rebinding.py): dropped; a redefinition that hides an unused first definition stays. Real pylint."""

from __future__ import annotations

import pytest
from reviewbot.analyzers._rebinding import Module
from reviewbot.analyzers.base import AnalysisContext
from reviewbot.analyzers.pylint import Pylint, PylintOptions

from reviewbot.models import AnalyzerResult
from tests.analyzers.support import changed, materialize

# The shape of attrs' tests: a local class, used, then defined again with other options and used again.
TESTS = '''\
import attr


class TestKwOnly:
    def test_force(self):
        @attr.s
        class Base:
            x = attr.ib(default=0)

        @attr.s(kw_only=True)
        class C(Base):
            y = attr.ib()

        assert C(x=0, y=1).y == 1

        @attr.s(kw_only=True, force_kw_only=False)
        class C(Base):
            y = attr.ib()

        assert C(0, y=1).x == 0


def test_first():
    assert True


def test_first():
    assert False


class Shape:
    def area(self):
        return 0

    def area(self):
        return 1
'''


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AnalyzerResult:
    work = tmp_path_factory.mktemp("rebinding") / "tree"
    files = [changed("tests/test_kw.py", TESTS)]
    materialize(work, files)
    return Pylint().analyze(files, AnalysisContext(work, PylintOptions()))


def test_a_rebinding_after_use_is_not_reported_a_hidden_definition_is(result: AnalyzerResult) -> None:
    got = sorted(f.line for f in result.findings if f.rule_id == "function-redefined")
    # line 16: the second `class C`, after `C(x=0, y=1)` used the first; lines 27 and 35 hide a test and a method
    # that are never read before they are replaced
    assert got == [27, 35]


@pytest.mark.parametrize(
    ("text", "message", "line", "expected"),
    [
        ("def f():\n    pass\nf()\ndef f():\n    pass\n", "function already defined line 1", 4, True),
        ("@d\ndef f():\n    pass\nf()\n@d\ndef f():\n    pass\n", "function already defined line 2", 6, True),
        ("def f():\n    pass\ndef f():\n    pass\nf()\n", "function already defined line 1", 3, False),
        ("def f():\n    f()\ndef f():\n    pass\n", "function already defined line 1", 3, False),  # only inside
        ("def f():\n    pass\ng()\ndef g():\n    pass\n", "function already defined line 1", 4, False),  # not f
        ("def f():\n    pass\nf()\ndef f():\n    pass\n", "something else", 4, False),
        ("def f(:\n", "function already defined line 1", 1, False),
    ],
)
def test_what_counts_as_deliberate(text: str, message: str, line: int, expected: bool) -> None:
    assert Module(text).deliberate(message, line) is expected

"""pylint name errors that Python's lookup rules contradict (analyzers/_name_fallbacks.py): a builtin read at module
level before the module shadows it, a Python 2 name under a version check. Real pylint on real files."""

from __future__ import annotations

import pytest
from reviewbot.analyzers._name_fallbacks import Module
from reviewbot.analyzers.base import AnalysisContext
from reviewbot.analyzers.pylint import Pylint, PylintOptions

from reviewbot.models import AnalyzerResult
from tests.analyzers.support import changed, materialize

# The shape of keras' backends: keep the builtin, then define a function of the same name.
SHADOWS = '''\
py_any = any
py_sum = sum


def any(x, axis=None):
    return py_any(x)


def total(values):
    s = sum(values)
    sum = 0
    return s + sum
'''

# Code for both Pythons: the Python 2 names only run on Python 2.
BOTH = '''\
import sys

import six

if six.PY2:
    text_type = unicode
else:
    text_type = str

if sys.version_info[0] >= 3:
    string_types = (str,)
else:
    string_types = (basestring,)

try:
    numbers = (int, long)
except NameError:
    numbers = (int,)

as_text = unicode if six.PY2 else str


def names(values):
    return [unicode(v) for v in values]
'''


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AnalyzerResult:
    work = tmp_path_factory.mktemp("fallbacks") / "tree"
    files = [changed("pkg/backend.py", SHADOWS), changed("pkg/compat.py", BOTH)]
    materialize(work, files)
    return Pylint().analyze(files, AnalysisContext(work, PylintOptions()))


def lines(res: AnalyzerResult, path: str, rule: str) -> list[int]:
    return sorted(f.line for f in res.findings if f.path == path and f.rule_id == rule)


def test_a_builtin_read_at_module_level_before_it_is_shadowed_runs(result: AnalyzerResult) -> None:
    # line 10: inside a function the same read raises UnboundLocalError, and stays reported
    assert lines(result, "pkg/backend.py", "used-before-assignment") == [10]


def test_python2_names_under_a_version_check_are_not_undefined(result: AnalyzerResult) -> None:
    assert lines(result, "pkg/compat.py", "undefined-variable") == [24]  # the unguarded one
    assert any("name error(s) not reported that Python's lookup rules contradict" in n for n in result.notes)


@pytest.mark.parametrize(
    ("text", "rule", "message", "line", "expected"),
    [
        ("x = len\n", "used-before-assignment", "Using variable 'len' before assignment", 1, True),
        ("class C:\n    k = len\n", "used-before-assignment", "Using variable 'len' before assignment", 2, True),
        ("x = helper\n", "used-before-assignment", "Using variable 'helper' before assignment", 1, False),
        ("f = lambda: len\n", "used-before-assignment", "Using variable 'len' before assignment", 1, False),
        ("if PY3:\n    pass\nelse:\n    t = unicode\n", "undefined-variable", "Undefined variable 'unicode'", 4, True),
        ("t = unicode\n", "undefined-variable", "Undefined variable 'unicode'", 1, False),
        ("if DEBUG:\n    t = unicode\n", "undefined-variable", "Undefined variable 'unicode'", 2, False),
        ("try:\n    pass\nexcept NameError:\n    t = unicode\n", "undefined-variable",
         "Undefined variable 'unicode'", 4, False),
        ("if sys.version_info < (3,):\n    t = unicod\n", "undefined-variable", "Undefined variable 'unicod'", 2,
         False),
        ("def f(:\n", "undefined-variable", "Undefined variable 'unicode'", 1, False),
    ],
)
def test_what_python_contradicts(text: str, rule: str, message: str, line: int, expected: bool) -> None:
    assert Module(text).contradicted(rule, message, line) is expected

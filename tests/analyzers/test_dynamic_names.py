"""Modules that bind global names at run time (analyzers/_dynamic_names.py): pylint's undefined-variable is not
reported there; real pylint on real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from reviewbot.analyzers._dynamic_names import binds_names_at_run_time
from reviewbot.analyzers.base import AnalysisContext
from reviewbot.analyzers.pylint import Pylint, PylintOptions

from reviewbot.models import AnalyzerResult
from tests.analyzers.support import changed, materialize

# The shape of pyparsing's examples/select_parser.py: every SQL keyword becomes a global through vars().update.
KEYWORDS = '''\
from pyparsing import CaselessKeyword, MatchFirst, OpAssoc, infix_notation, one_of

keywords = {k: CaselessKeyword(k) for k in "AND OR NOT BETWEEN ISNULL NOTNULL".split()}
vars().update(keywords)

any_keyword = MatchFirst(keywords.values())
expr = infix_notation(
    any_keyword,
    [
        (one_of("- + ~") | NOT, 1, OpAssoc.RIGHT),
        (ISNULL | NOTNULL, 1, OpAssoc.LEFT),
        ((BETWEEN, AND), 3, OpAssoc.LEFT),
        (OR, 2, OpAssoc.LEFT),
    ],
)
'''

# Constants registered in a loop (the shape of http.HTTPStatus-style tables built at import time).
REGISTERED = '''\
for _code, _name in ((200, "OK"), (404, "NOT_FOUND")):
    globals()[_name] = _code


def describe(code):
    return "ok" if code == OK else "missing" if code == NOT_FOUND else "other"
'''

# vars() inside a function is that function's locals: it binds no global, and the misspelling is real.
LOCAL_VARS = '''\
def configure(options):
    vars().update(options)
    return verbose_level
'''


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AnalyzerResult:
    work = tmp_path_factory.mktemp("dynamic") / "tree"
    files = [changed("examples/select_parser.py", KEYWORDS), changed("app/status.py", REGISTERED),
             changed("app/config.py", LOCAL_VARS)]
    materialize(work, files)
    return Pylint().analyze(files, AnalysisContext(work, PylintOptions()))


def undefined(res: AnalyzerResult, path: str) -> list[int]:
    return [f.line for f in res.findings if f.path == path and f.rule_id == "undefined-variable"]


def test_names_bound_through_vars_update_are_not_undefined(result: AnalyzerResult) -> None:
    assert undefined(result, "examples/select_parser.py") == []
    assert ("examples/select_parser.py: binds global names at run time (vars().update(...)); pylint's undefined "
            "names not reported") in result.notes


def test_names_assigned_through_globals_are_not_undefined(result: AnalyzerResult) -> None:
    assert undefined(result, "app/status.py") == []


def test_vars_in_a_function_binds_no_global(result: AnalyzerResult) -> None:
    assert undefined(result, "app/config.py") == [3]


@pytest.mark.parametrize(
    ("text", "how"),
    [
        ("vars().update(table)\n", "vars().update(...)"),
        ("if True:\n    locals().update(table)\n", "locals().update(...)"),
        ("def f():\n    globals().update(table)\n", "globals().update(...)"),
        ("globals().setdefault('X', 1)\n", "globals().setdefault(...)"),
        ("globals()['X'] = 1\n", "globals()[...] = ..."),
        ("import sys\nsetattr(sys.modules[__name__], 'X', 1)\n", "setattr(sys.modules[__name__], ...)"),
        ("exec(CODE)\n", "exec(...)"),
        ("def f():\n    exec(CODE, globals())\n", "exec(..., globals())"),
        ("def f(t):\n    vars().update(t)\n", None),
        ("class C:\n    locals().update(t)\n", None),
        ("def f():\n    exec(CODE)\n", None),
        ("x = globals()['X']\n", None),
        ("def f(:\n", None),
    ],
)
def test_what_binds_names_at_run_time(text: str, how: str | None) -> None:
    assert binds_names_at_run_time(text) == how

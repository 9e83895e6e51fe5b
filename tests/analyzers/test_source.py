"""Shared adapter helpers: parse checks under the running interpreter, the notes they give, enclosing symbols."""

from __future__ import annotations

import sys

import pytest
from reviewbot.analyzers import _source

CASES = [
    ("3.10", "match x:\n    case 1:\n        pass\n", "match statement"),
    ("3.11", "try:\n    pass\nexcept* ValueError:\n    pass\n", "except*"),
    ("3.12", "type Alias = list[int]\n", "type alias statement (PEP 695)"),
    ("3.12", "def f[T](x: T) -> T:\n    return x\n", "type parameters (PEP 695)"),
    ("3.12", 'd = {"a": 1}\ns = f"{d["a"]}"\n', "f-string syntax of PEP 701"),
    ("3.13", "def f[T = int](x: T) -> T:\n    return x\n", "type parameter defaults (PEP 696)"),
    ("3.14", 'n = 1\ns = t"{n}"\n', "template string (PEP 750)"),
    ("3.14", "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", "except without parentheses (PEP 758)"),
]


@pytest.mark.parametrize(("version", "text", "feature"), CASES)
def test_newer_syntax_names_the_version(version: str, text: str, feature: str) -> None:
    assert _source.newer_syntax(text) == (version, feature)


@pytest.mark.parametrize(("version", "text", "feature"), CASES)
def test_notes_for_files_the_interpreter_cannot_parse(version: str, text: str, feature: str) -> None:
    parsed = _source.parse_python(text)
    needed = tuple(int(p) for p in version.split("."))
    if sys.version_info[:2] >= needed:
        assert not isinstance(parsed, SyntaxError)
        return
    assert isinstance(parsed, SyntaxError)
    note = _source.unparsable_note("pylint", "m.py", text, parsed)
    assert note == (
        f"m.py: parsed with libcst, but pylint could not parse it under Python {_source.RUNNING} "
        f"(it uses {feature}); run reviewbot on Python >= {version}"
    )


def test_real_syntax_errors_are_said_so() -> None:
    err = _source.parse_python("def f(:\n")
    assert isinstance(err, SyntaxError)
    assert _source.unparsable_note("bandit", "b.py", "def f(:\n", err).startswith("b.py: syntax error at line 1")
    assert _source.newer_syntax("print 'py2'\n") is None


def test_parse_is_quiet_about_invalid_escapes() -> None:
    assert not isinstance(_source.parse_python('import re\nre.compile("\\d")\n'), SyntaxError)
    assert isinstance(_source.parse_python("x = 1\0\n"), SyntaxError)


def test_symbols() -> None:
    text = "class A:\n    @dec\n    def m(self):\n        def inner():\n            pass\n        return 1\n\nx = 1\n"
    find = _source.symbol_finder(text)
    assert [find(n) for n in range(1, 9)] == ["A", "A.m", "A.m", "A.m.inner", "A.m.inner", "A.m", "", ""]
    assert _source.symbol_finder("def f(:\n")(1) == ""

"""Signature comparison and Python's binding rules, on parsed code."""

from __future__ import annotations

import libcst as cst
import pytest
from reviewbot.analyzers import _callsites as cs
from reviewbot.analyzers import _signatures


def sig(params: str) -> _signatures.Signature:
    node = cst.parse_module(f"def f({params}):\n    pass\n").body[0]
    assert isinstance(node, cst.FunctionDef)
    return _signatures.signature(node)


def shape(args: str) -> _signatures.CallShape:
    expr = cst.parse_expression(f"f({args})")
    assert isinstance(expr, cst.Call)
    return _signatures.CallShape.of(expr)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a, b", "a, b", []),
        ("a: int, b=1", "a: str, b=1", []),  # annotations do not change how callers call
        ("a, b", "a, c", ["parameter 'b' renamed to 'c'"]),
        ("a, b", "a", ["parameter 'b' removed"]),
        ("a", "a, b=2", ["parameter 'b' added (default 2)"]),
        ("a", "a, b", ["parameter 'b' added (required)"]),
        ("a, b=1", "a, b=2", ["default of 'b' changed from 1 to 2"]),
        ("a, b=1", "a, b", ["'b' is now required (was 1)"]),
        ("a, b", "b, a", ["positional parameters reordered"]),
        ("a, b", "a, *, b", ["'b' changed from positional-or-keyword to keyword-only"]),
        ("a, b", "a, b, /", ["'a' changed from positional-or-keyword to positional-only",
                             "'b' changed from positional-or-keyword to positional-only"]),
        ("a", "a, *args", ["*args added"]),
        ("a, **kw", "a", ["**kwargs removed"]),
    ],
)
def test_describe_change(old: str, new: str, expected: list[str]) -> None:
    assert _signatures.describe_change(sig(old), sig(new)) == expected


@pytest.mark.parametrize(
    ("params", "args", "problem"),
    [
        ("a, b=1", "1", None),
        ("a, b=1", "1, 2", None),
        ("a, b=1", "1, b=2", None),
        ("a, b=1", "a=1", None),
        ("a, b=1", "", "does not pass required 'a'"),
        ("a, b=1", "1, 2, 3", "passes 3 positional arguments, at most 2 accepted"),
        ("a, b=1", "1, c=3", "passes keyword 'c', which is not a parameter"),
        ("a, b=1", "1, a=2", "gives 'a' both by position and by keyword"),
        ("a, /, b", "a=1, b=2", "passes positional-only 'a' by keyword; does not pass required 'a'"),
        ("a, *, k", "1", "does not pass required 'k'"),
        ("a, *, k", "1, k=2", None),
        ("a, *args", "1, 2, 3, 4", None),
        ("a, **kw", "1, anything=2", None),
        ("a, b, c", "*xs", None),  # could supply everything: not judged
        ("a, b, c", "**kw", None),
        ("a, *, k", "*xs", "does not pass required 'k'"),
        ("a", "1, 2, *xs", "passes 2 positional arguments, at most 1 accepted"),
    ],
)
def test_misfit(params: str, args: str, problem: str | None) -> None:
    assert _signatures.misfit(sig(params), shape(args)) == problem


def test_bound_signature_drops_self() -> None:
    assert _signatures.misfit(sig("self, a").bound(), shape("1")) is None
    assert _signatures.misfit(sig("self, a").bound(), shape("1, 2")) == "passes 2 positional arguments, at most 1 accepted"
    assert _signatures.misfit(sig("self, /, a").bound(), shape("a=1")) is None


def test_imports_resolve_relative_and_aliased_names() -> None:
    module = cst.parse_module(
        "import a.b\nimport c.d as e\nfrom .m import f as g\nfrom .. import h\nfrom x.y import *\n"
        "def inner():\n    from z import w\n"
    )
    got = cs.imports(module, "pkg/sub/mod.py")
    assert got["a"] == [cs.Imported(("a", "b"), None, True)]
    assert got["e"] == [cs.Imported(("c", "d"), None, True)]
    assert got["g"] == [cs.Imported(("pkg", "sub", "m"), "f", False)]
    assert got["h"] == [cs.Imported(("pkg",), "h", False)]
    assert got["*"] == [cs.Imported(("x", "y"), "*", True)]
    assert got["w"] == [cs.Imported(("z",), "w", True)]


def test_module_matching() -> None:
    assert cs.module_parts("src/pkg/mod.py") == ("src", "pkg", "mod")
    assert cs.module_parts("pkg/__init__.py") == ("pkg",)
    assert cs.same_module(("pkg", "mod"), True, ("src", "pkg", "mod"))
    assert not cs.same_module(("mod",), False, ("src", "pkg", "mod"))
    assert not cs.same_module(("other", "mod"), True, ("src", "pkg", "mod"))

"""Changed functions located with libcst; signatures before/after; call sites of changed signatures."""

from __future__ import annotations

import textwrap

from reviewbot.models import SourceFile
from reviewbot.diff import parse_patch
from reviewbot.llm.context import call_sites, changed_functions, file_context, signature_of, touched_lines
from tests.llm.conftest import APP, PRICING, STOCK, demo_input


def _contexts():  # type: ignore[no-untyped-def]
    inp = demo_input()
    changed = {f.path: f for f in inp.patch.files}
    return {sf.path: file_context(sf, changed[sf.path]) for sf in inp.files}


def test_demo_functions() -> None:
    ctx = _contexts()
    app = {f.qualname: f for f in ctx[APP].functions}
    assert set(app) == {"search", "export", "price"}
    assert app["search"].start == 21  # the decorator line
    assert app["search"].signature_before is None  # new function
    assert not app["price"].signature_changed
    stock = ctx[STOCK].functions[0]
    assert stock.signature_before == "def reserve(item_id, quantity)"
    assert stock.signature == "def reserve(item_id, quantity, warehouse)"
    assert ctx[PRICING].functions[0].signature_changed


def test_call_sites_of_changed_signatures_among_changed_files() -> None:
    sites = call_sites(list(_contexts().values()))
    assert [(s.path, s.callee) for s in sites] == [(APP, "compute_price")]
    assert "compute_price(base" in sites[0].code


def test_nested_and_methods_and_async() -> None:
    text = textwrap.dedent("""\
        class A:
            @staticmethod
            async def m(self, x: int = 1) -> int:
                def inner(y):
                    return y
                return inner(x)

        def other():
            pass
        """)
    fns = changed_functions(text, None, {5})
    assert [(f.qualname, f.start, f.end) for f in fns] == [("A.m", 2, 6)]  # outermost containing function
    assert fns[0].signature == "async def m(self, x: int = 1) -> int"


def test_signature_normalises_multiline_headers() -> None:
    import libcst as cst

    node = cst.parse_module("def f(\n    a,\n    b=2,\n):\n    pass\n").body[0]
    assert isinstance(node, cst.FunctionDef)
    assert signature_of(node) == "def f(a, b=2)"


def test_pure_deletion_touches_its_function() -> None:
    patch = parse_patch(
        textwrap.dedent("""\
        diff --git a/m.py b/m.py
        --- a/m.py
        +++ b/m.py
        @@ -1,4 +1,3 @@
         def f():
        -    x = 1
             return 2
         
        """)
    )
    hunks = patch.files[0].hunks
    assert 2 in touched_lines(hunks)
    after = "def f():\n    return 2\n\n"
    assert [
        f.qualname
        for f in changed_functions(after, "def f():\n    x = 1\n    return 2\n\n", touched_lines(hunks))
    ] == ["f"]


def test_unparsable_file_still_gets_a_context() -> None:
    sf = SourceFile("bad.py", "def f(:\n    pass\n", None, None, frozenset({1}), ((1, 2),))
    ctx = file_context(sf, None)
    assert ctx.functions == () and ctx.parse_error.startswith("does not parse")
    assert call_sites([ctx]) == ()

"""Changed functions located with libcst (the facts analyzer's computation, analyzers/_changed_defs); signatures
before/after; the call sites of changed signatures taken from the facts analyzer's output."""

from __future__ import annotations

import textwrap

from reviewbot.diff import parse_patch
from reviewbot.llm.context import file_context, signature_text
from reviewbot.llm.prompting import MAX_CALL_SITES, call_sites
from reviewbot.models import Evidence, Fact, SourceFile
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


def test_call_sites_are_the_facts_analyzers_callers() -> None:
    facts = [Fact(f"m{i % 3}.py", 40 - i, "f", "caller", f"f({i})") for i in range(30)]
    facts.append(Fact("m0.py", 1, "f", "call-site", "m0.py:1 f() — does not pass required 'a'"))  # a finding's
    sites = call_sites(Evidence(facts=tuple(facts)))
    assert len(sites) == MAX_CALL_SITES
    assert [(s.path, s.line) for s in sites] == sorted((s.path, s.line) for s in sites)
    assert {(s.callee, s.path) for s in sites} == {("f", "m0.py"), ("f", "m1.py")} and sites[0].code == "f(27)"


def _context(before: str, after: str, diff: str) -> tuple[str, ...]:
    changed = parse_patch(textwrap.dedent(diff)).files[0]
    sf = SourceFile("m.py", after, before, "m.py", changed.added_lines, changed.hunk_ranges)
    return tuple(f"{f.qualname} {f.signature_changed}" for f in file_context(sf, changed).functions)


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
    ctx = file_context(SourceFile("a.py", text, None, None, frozenset({5}), ((5, 5),)), None)
    fns = ctx.functions
    assert [(f.qualname, f.start, f.end) for f in fns] == [("A.m", 2, 6)]  # outermost containing function
    assert fns[0].signature == "async def m(self, x: int = 1) -> int"


def test_signature_normalises_multiline_headers() -> None:
    import libcst as cst

    node = cst.parse_module("def f(\n    a,\n    b=2,\n):\n    pass\n").body[0]
    assert isinstance(node, cst.FunctionDef)
    assert signature_text(node) == "def f(a, b=2)"


def test_pure_deletion_touches_its_function() -> None:
    diff = """\
        diff --git a/m.py b/m.py
        --- a/m.py
        +++ b/m.py
        @@ -1,4 +1,3 @@
         def f():
        -    x = 1
             return 2
         
        """
    assert _context("def f():\n    x = 1\n    return 2\n\n", "def f():\n    return 2\n\n", diff) == ("f False",)


def test_deleting_the_last_line_of_a_function_touches_it_and_not_the_next() -> None:
    """The deletion sits after f's new last line: f changed (its text did), g did not."""
    diff = """\
        diff --git a/m.py b/m.py
        --- a/m.py
        +++ b/m.py
        @@ -1,6 +1,5 @@
         def f(a):
             a.close()
        -    return a
         
         def g():
             pass
        """
    before = "def f(a):\n    a.close()\n    return a\n\ndef g():\n    pass\n"
    after = "def f(a):\n    a.close()\n\ndef g():\n    pass\n"
    assert _context(before, after, diff) == ("f False",)


def test_signatures_pair_by_name_and_order_of_appearance() -> None:
    """A property's getter and setter share a name: the getter is compared with the old getter, not the setter."""
    before = textwrap.dedent("""\
        class A:
            @property
            def x(self):
                return 1

            @x.setter
            def x(self, value):
                pass
        """)
    after = before.replace("return 1", "return 2")
    diff = """\
        diff --git a/m.py b/m.py
        --- a/m.py
        +++ b/m.py
        @@ -3,2 +3,2 @@
             def x(self):
        -        return 1
        +        return 2
        """
    assert _context(before, after, diff) == ("A.x False",)


def test_unparsable_file_still_gets_a_context() -> None:
    sf = SourceFile("bad.py", "def f(:\n    pass\n", None, None, frozenset({1}), ((1, 2),))
    ctx = file_context(sf, None)
    assert ctx.functions == () and ctx.parse_error.startswith("does not parse (")
    assert ctx.parse_error.endswith(" at line 2)")  # libcst's message and line, as before


def test_methods_of_a_renamed_class_are_not_new_code() -> None:
    before = "class Session:\n    def run(self):\n        return 1\n\n    def stop(self):\n        return 2\n"
    after = before.replace("class Session", "class GitHubSession").replace("return 2", "return 3")
    diff = """\
        diff --git a/m.py b/m.py
        --- a/m.py
        +++ b/m.py
        @@ -1,6 +1,6 @@
        -class Session:
        +class GitHubSession:
             def run(self):
                 return 1
         
             def stop(self):
        -        return 2
        +        return 3
        """
    assert _context(before, after, diff) == ("GitHubSession.stop False",)  # run's text is as it was

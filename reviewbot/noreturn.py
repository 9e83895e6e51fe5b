"""pylint's ``unreachable`` right after a call that never returns: the code's own marker, not a defect.

``fail("bad state")`` followed by ``raise AssertionError("unreachable")`` is a common way to tell readers (and type
checkers) that control never gets there. pylint flags the ``raise`` as unreachable when it knows the call does not
return (``sys.exit``, a function annotated ``-> NoReturn``). Such a finding is dropped (and counted with the other
marker suppressions) when the statement just before it, in the same block, is a call to

- ``sys.exit``, ``os._exit``, ``os.abort``, ``typing.assert_never`` or ``typing_extensions.assert_never`` (under any
  import alias), or
- a function of the same file that is annotated ``-> NoReturn`` / ``-> Never``, or whose body only raises
  (docstring aside); a plain name must mean only such functions wherever it is defined in the file, and
  ``self.name(...)`` / ``cls.name(...)`` must mean only such methods.

Any other ``unreachable`` (after ``return``, ``raise``, ``break``, ``continue``, or a call we cannot resolve) stays.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator

from reviewbot.analyzers import _source
from reviewbot.models import Finding

NEVER_RETURNING = frozenset(
    {"sys.exit", "os._exit", "os.abort", "typing.assert_never", "typing_extensions.assert_never"}
)
_NEVER_TYPES = frozenset({"NoReturn", "Never"})
_FuncDef = (ast.FunctionDef, ast.AsyncFunctionDef)


def is_unreachable(finding: Finding) -> bool:
    return finding.tool == "pylint" and finding.rule_id in ("unreachable", "W0101")


class Module:
    """One parsed file: which statements follow a call that never returns."""

    def __init__(self, text: str) -> None:
        tree = _source.parse_python(text)
        self.tree: ast.Module | None = None if isinstance(tree, SyntaxError) else tree
        self._aliases: dict[str, str] = {}
        # name -> (never returns, is async) of each definition of that name
        self._functions: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
        self._methods: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
        self._preceding: dict[int, list[ast.stmt]] | None = None  # statement line -> the statements right before it
        if self.tree is not None:
            self._index(self.tree)

    def _index(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self._aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    self._aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, _FuncDef):
                        self._methods[item.name].append(_kind(item))
        for node in ast.walk(tree):
            if isinstance(node, _FuncDef):
                self._functions[node.name].append(_kind(node))

    def follows_no_return(self, finding: Finding) -> bool:
        """Whether the statement ``finding`` reports is directly preceded by a call that never returns."""
        if self._preceding is None:  # one walk of the tree, however many findings ask
            self._preceding = defaultdict(list)
            for prev, stmt in self._pairs():
                self._preceding[stmt.lineno].append(prev)
        return any(self._no_return_call(prev) for prev in self._preceding.get(finding.line, ()))

    def _pairs(self) -> Iterator[tuple[ast.stmt, ast.stmt]]:
        if self.tree is None:
            return
        for node in ast.walk(self.tree):
            for name in ("body", "orelse", "finalbody"):
                block = getattr(node, name, None)
                if isinstance(block, list):
                    yield from zip(block, block[1:])

    def _no_return_call(self, stmt: ast.stmt) -> bool:
        if not isinstance(stmt, ast.Expr):
            return False
        value = stmt.value
        awaited = isinstance(value, ast.Await)
        call = value.value if isinstance(value, ast.Await) else value
        if not isinstance(call, ast.Call):
            return False
        func = call.func
        dotted = _dotted(func)
        if dotted is not None and not awaited:
            head, _, rest = dotted.partition(".")
            if self._aliases.get(head, head) + (f".{rest}" if rest else "") in NEVER_RETURNING:
                return True
        if isinstance(func, ast.Name) and func.id not in self._aliases:
            defs = self._functions.get(func.id, [])
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            defs = self._methods.get(func.attr, [])
        else:
            return False
        # an async def never returns only when awaited (un-awaited, the call just makes a coroutine)
        return bool(defs) and all(never and is_async == awaited for never, is_async in defs)


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of names, else None (a loop: an absurdly long chain must not exhaust the stack)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _kind(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[bool, bool]:
    return _never_returns(fn), isinstance(fn, ast.AsyncFunctionDef)


def _never_returns(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if fn.returns is not None and _is_never_type(fn.returns):
        return True
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # docstring
    return bool(body) and all(isinstance(s, ast.Raise) for s in body)


def _is_never_type(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.rsplit(".", 1)[-1].strip() in _NEVER_TYPES
    dotted = _dotted(node)
    return dotted is not None and dotted.rsplit(".", 1)[-1] in _NEVER_TYPES

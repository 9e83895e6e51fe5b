"""Two of pylint's name errors that Python's own lookup rules contradict, dropped before they reach the review.

- ``used-before-assignment`` of a builtin name outside any function (``py_any = any`` above a later
  ``def any(...)``, a common way for a module to keep the builtin before shadowing it): at module and class level
  a global that is not bound yet falls back to the builtins, so the line runs. Inside a function the same shape
  raises ``UnboundLocalError`` and stays reported.
- ``undefined-variable`` of a Python 2 builtin (``unicode``, ``basestring``, ``long``, ``xrange``, ...) used under a
  version check (``if six.PY2:``, ``if sys.version_info[0] == 2:``, either branch of ``if PY3:`` or of a
  conditional expression testing such a flag) or inside a ``try`` whose handler catches ``NameError``: code written
  for both Pythons, whose Python 2 branch never runs on Python 3.

Everything else stays: a misspelt name, a builtin read before a local assignment in a function, a Python 2 name in
unguarded code.
"""

from __future__ import annotations

import ast
import builtins
import re

from reviewbot.analyzers import _source

RULES = frozenset({"used-before-assignment", "undefined-variable", "E0601", "E0602"})
PY2_NAMES = frozenset({
    "unicode", "basestring", "long", "xrange", "unichr", "raw_input", "file", "execfile", "reduce", "cmp",
    "buffer", "apply", "intern", "coerce", "reload", "StandardError",
})
_NAME = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)'")
_VERSION_TEST = re.compile(r"\bPY_?[23]\b|\bPY(THON)?_?[23]K?\b|version_info|sys\.version|python_version|hexversion",
                           re.I)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class Module:
    """One parsed file; ``contradicted(rule, message, line)`` says whether Python's rules contradict the finding."""

    def __init__(self, text: str) -> None:
        tree = _source.parse_python(text)
        self._names: dict[tuple[str, int], list[list[ast.AST]]] = {}
        if isinstance(tree, SyntaxError):
            return
        self._walk(tree, [])

    def _walk(self, node: ast.AST, parents: list[ast.AST]) -> None:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            self._names.setdefault((node.id, node.lineno), []).append(list(parents))
        parents.append(node)
        for child in ast.iter_child_nodes(node):
            self._walk(child, parents)
        parents.pop()

    def contradicted(self, rule: str, message: str, line: int) -> bool:
        m = _NAME.search(message)
        if m is None:
            return False
        uses = self._names.get((m.group(1), line), [])
        if not uses:
            return False
        name = m.group(1)
        if rule in ("used-before-assignment", "E0601"):
            return hasattr(builtins, name) and all(not any(isinstance(p, _SCOPES) for p in chain) for chain in uses)
        if rule in ("undefined-variable", "E0602"):
            return name in PY2_NAMES and all(_guarded(chain) for chain in uses)
        return False


def _guarded(parents: list[ast.AST]) -> bool:
    """Under a Python-version check, or in the body of a ``try`` that catches ``NameError``."""
    for node, inner in zip(parents, parents[1:] + [None]):
        if isinstance(node, (ast.If, ast.IfExp)) and _VERSION_TEST.search(ast.unparse(node.test)):
            return True
        if (isinstance(node, ast.Try) and any(_catches_name_error(h) for h in node.handlers)
                and any(inner is stmt for stmt in node.body)):
            return True
    return False


def _catches_name_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return handler.type is None or any(isinstance(k, ast.Name) and k.id in ("NameError", "Exception") for k in kinds)

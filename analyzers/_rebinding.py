"""pylint's ``function-redefined`` (E0102) when the first definition was used before the name was bound again: a
deliberate rebinding, dropped before it reaches the review.

Tests do this all the time: ``class C`` is defined, instantiated and checked, then a second ``class C`` with other
options is defined and checked the same way. Nothing is lost: the first definition did its work before the name was
rebound. The message is kept when the first definition is never read between the two (a second ``def test_x`` at
module level hides the first test, which then never runs; a method defined twice keeps only the second).
"""

from __future__ import annotations

import ast
import re

from reviewbot.analyzers import _source

RULES = frozenset({"function-redefined", "E0102"})
_FIRST_LINE = re.compile(r"already defined line (\d+)")
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class Module:
    """One parsed file; ``deliberate(message, line)`` says whether the redefinition at ``line`` rebinds a name whose
    first definition (the line pylint's message names) was read in between."""

    def __init__(self, text: str) -> None:
        tree = _source.parse_python(text)
        self._defs: dict[int, ast.AST] = {}
        self._reads: dict[str, list[int]] = {}
        if isinstance(tree, SyntaxError):
            return
        for node in ast.walk(tree):
            if isinstance(node, _DEFS):
                self._defs[node.lineno] = node
                for deco in node.decorator_list:  # pylint may name the decorator's line
                    self._defs.setdefault(deco.lineno, node)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                self._reads.setdefault(node.id, []).append(node.lineno)

    def deliberate(self, message: str, line: int) -> bool:
        m = _FIRST_LINE.search(message)
        second = self._defs.get(line)
        first = self._defs.get(int(m.group(1))) if m else None
        if not isinstance(first, _DEFS) or not isinstance(second, _DEFS) or first is second:
            return False
        if first.name != second.name:
            return False
        after_first = first.end_lineno or first.lineno
        before_second = min([second.lineno, *(d.lineno for d in second.decorator_list)])
        return any(after_first < n < before_second for n in self._reads.get(first.name, ()))

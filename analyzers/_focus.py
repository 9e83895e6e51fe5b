"""Cut a changed file down to the code its change can be reported on, keeping every line where it was.

A review that reports findings only inside the diff's hunks does not need a tool to match rules against the
bodies of functions the change never touched. ``focus`` replaces each such body by ``...`` and blank lines; every
def and class header, decorator, module- and class-level statement, and every function that overlaps a changed
line stays byte for byte, on its own line number. A finding in the kept code therefore has the same line and
column in the focused file as in the real one, and byte offsets map back with ``Focus.original_offset``.

Only for tools whose rules look no further than the enclosing function (semgrep's intraprocedural rules; a rule
that needs an ``async def`` or a class elsewhere in the file still sees its header). Not for pylint: an import
used only in a body left out would look unused.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Collection
from dataclasses import dataclass

from reviewbot.analyzers._source import parse_python

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # the line breaks Python's tokenizer knows, no others
_BLANK = re.compile(r"[ \t\f]*")


@dataclass(frozen=True)
class Focus:
    text: str  # the focused file
    kept: int  # lines kept as they were
    total: int  # lines in the file
    _starts: tuple[int, ...]  # byte offset of each line in the focused file
    _original_starts: tuple[int, ...]  # ... and in the real one

    def original_offset(self, offset: int) -> int:
        """A byte offset in the focused text (inside kept code) -> the same position in the real file."""
        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        return self._original_starts[i] + offset - self._starts[i]


def changed_lines(added: Collection[int], hunks: Collection[tuple[int, int]]) -> set[int]:
    """Lines a hunk-scoped review can report on: the added lines and every line of every hunk."""
    out = set(added)
    for start, end in hunks:
        out.update(range(start, end + 1))
    return out


def focus(text: str, changed: Collection[int], tree: ast.Module | SyntaxError | None = None) -> Focus | None:
    """``text`` with the bodies of functions no line of ``changed`` falls in left out (see the module docstring).
    ``tree``: ``text`` already parsed (``_source.parse_python``), if the caller has it.

    None when nothing can be left out, or when the running interpreter cannot parse ``text``."""
    if tree is None:
        tree = parse_python(text)
    if isinstance(tree, SyntaxError) or not changed:
        return None
    lines = _LINES.findall(text)
    marks = sorted(changed)
    cut: list[tuple[int, int]] = []  # (first, last) 1-based lines of each body left out

    def touched(first: int, last: int) -> bool:
        i = bisect.bisect_left(marks, first)
        return i < len(marks) and marks[i] <= last

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first, last = _start(child), child.end_lineno or child.lineno
                body = child.body[0]
                start = _start(body)  # a decorated nested def starts at its first decorator
                col = body.col_offset if start == body.lineno else 0
                own_line = _BLANK.fullmatch(lines[start - 1][:col]) is not None
                if own_line and not touched(first, last):
                    cut.append((start, last))
            elif isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                walk(child)  # classes and compound statements stay; the functions inside them are looked at

    walk(tree)
    if not cut:
        return None
    out = list(lines)
    for first, last in cut:
        indent = _BLANK.match(lines[first - 1]).group()  # type: ignore[union-attr]
        for n in range(first, last + 1):
            out[n - 1] = _ending(lines[n - 1])
        out[first - 1] = f"{indent}...{_ending(lines[first - 1])}"
    kept = len(lines) - sum(last - first + 1 for first, last in cut)
    return Focus("".join(out), kept, len(lines), _byte_starts(out), _byte_starts(lines))


def _start(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", ())
    return min([node.lineno, *(d.lineno for d in decorators)])


def _ending(line: str) -> str:
    stripped = line.rstrip("\r\n")
    return line[len(stripped) :]


def _byte_starts(lines: list[str]) -> tuple[int, ...]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line.encode("utf-8", "surrogatepass")))
    return tuple(starts)

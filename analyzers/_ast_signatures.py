"""A quick look with ``ast`` at whether a change can have changed a function's signature.

Without an LLM to read descriptions (facts' ``descriptions`` off), facts parses a modified file with libcst only to
compare the signatures of the functions the change touched: callers are searched for only when one changed.
libcst parses about 9x slower than ``ast``. So each image is first read with ``ast``: when every function found in
both images (paired as facts pairs them: qualified name and order of appearance) has the same parameters (names,
kinds, and the source text of each default, which is what facts compares), the file cannot yield a changed
signature, and libcst is not needed for it (unless the call-site search reads it later).
"""

from __future__ import annotations

import ast
from collections import Counter
from typing import Union

from reviewbot.analyzers import _source
from reviewbot.models import SourceFile

_Params = tuple[tuple[str, Union[str, None]], ...]
Shape = Union[tuple[_Params, _Params, Union[str, None], _Params, Union[str, None]], str]


def unchanged(sf: SourceFile) -> bool:
    """Whether every function of both images of ``sf`` keeps its signature; False when there is no pre-image or
    either image does not parse (then libcst decides)."""
    if sf.before is None:
        return False
    try:
        after, before = shapes(sf.text), shapes(sf.before)
    except Undecided:
        return False
    if after is None or before is None:
        return False
    return all(before[key] == shape for key, shape in after.items() if key in before)


def shapes(text: str) -> dict[tuple[str, int], Shape] | None:
    """(qualified name, occurrence) -> the parameters of each function ("class" for a class); None when ``text``
    does not parse. Raises Undecided for a default ``ast`` cannot give as facts reads it."""
    tree = _source.parse_python(text)
    if isinstance(tree, SyntaxError):
        return None
    lines = text.encode("utf-8", "surrogatepass").splitlines(keepends=True)
    found: list[tuple[int, int, str, Shape]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                start = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                shape: Shape = "class" if isinstance(child, ast.ClassDef) else _params(child.args, lines)
                found.append((start, child.end_lineno or child.lineno, prefix + child.name, shape))
                walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                walk(child, prefix)

    walk(tree, "")
    seen: Counter[str] = Counter()
    out: dict[tuple[str, int], Shape] = {}
    for _, _, name, shape in sorted(found, key=lambda f: (f[0], f[1])):  # as facts orders duplicate names
        out[(name, seen[name])] = shape
        seen[name] += 1
    return out


def _params(a: ast.arguments, lines: list[bytes]) -> Shape:
    positional = [*a.posonlyargs, *a.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    pos = tuple((p.arg, _default(p, d, lines)) for p, d in zip(positional, defaults))
    kwonly = tuple((p.arg, _default(p, d, lines)) for p, d in zip(a.kwonlyargs, a.kw_defaults))
    return (
        pos[: len(a.posonlyargs)],
        pos[len(a.posonlyargs) :],
        a.vararg.arg if a.vararg else None,
        kwonly,
        a.kwarg.arg if a.kwarg else None,
    )


class Undecided(Exception):
    """A signature ``ast`` cannot tell exactly as facts sees it: libcst must read the file."""


def _default(param: ast.arg, node: ast.expr | None, lines: list[bytes]) -> str | None:
    """The source of a parameter's default as written; None for no default. A default in parentheses (libcst
    counts them, and the blanks inside, as part of it; ``ast`` does not) or after a comment is Undecided."""
    if node is None:
        return None
    before = param.annotation or param
    assert before.end_lineno is not None and before.end_col_offset is not None
    between = _text(lines, (before.end_lineno, before.end_col_offset), (node.lineno, node.col_offset))
    if "".join(between.split()) != "=":
        raise Undecided(param.arg)
    end = (node.end_lineno or node.lineno, node.end_col_offset if node.end_col_offset is not None else -1)
    return _text(lines, (node.lineno, node.col_offset), end)


def _text(lines: list[bytes], start: tuple[int, int], end: tuple[int, int]) -> str:
    """The source from ``start`` to ``end`` ((line, column); ``ast`` columns count UTF-8 bytes)."""
    first, last = start[0] - 1, end[0] - 1
    if first == last:
        part = lines[first][start[1] : end[1]]
    else:
        part = lines[first][start[1] :] + b"".join(lines[first + 1 : last]) + lines[last][: end[1]]
    return part.decode("utf-8", "surrogatepass")

"""The definitions of one image of a changed file, found with libcst, and the metadata facts need -- at a cost
proportional to the change, not to the file.

libcst metadata is slow (measured: about 600 lines/s with scope and qualified-name metadata), so:

- line numbers of defs come from the running interpreter's ``ast`` when it parses the file (the defs are paired
  with libcst's in the same order, by qualified name); only when it does not (newer syntax) does libcst's
  ``PositionProvider`` run over the module;
- scope metadata (which gives the qualified names too) is computed on a *skeleton* of the module: its top-level
  statements, stubs for the untouched functions and classes, and the touched defs in full -- enough for every name
  a touched def reads to resolve to a parameter, local, enclosing, module or builtin binding.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

from reviewbot.analyzers import _changes, _source
from reviewbot.analyzers._signatures import code

_BLOCKS = (cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)


@dataclass
class Parsed:
    """One image of a changed file, parsed; metadata is filled in only as far as it is needed."""

    path: str
    text: str
    module: cst.Module
    positions: Mapping[cst.CSTNode, object] | None = None  # libcst positions, resolved on demand
    scopes: Mapping[cst.CSTNode, object] = field(default_factory=dict)

    def resolve_positions(self) -> Mapping[cst.CSTNode, object]:
        if self.positions is None:
            self.positions = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        return self.positions


@dataclass(frozen=True)
class Def:
    qualname: str
    node: cst.FunctionDef | cst.ClassDef
    span: _changes.Span
    def_line: int
    cls: str | None  # enclosing class for a method
    kind: str  # function, method, staticmethod, classmethod, class


@dataclass(frozen=True)
class Unparsable:
    """Why libcst could not parse an image: its message and, for a syntax error, the line."""

    message: str
    line: int | None = None

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


def parse(path: str, text: str) -> Parsed | Unparsable:
    """The parsed image, or why libcst could not parse it."""
    try:
        return Parsed(path, text, cst.parse_module(text))
    except cst.ParserSyntaxError as exc:
        return Unparsable(exc.message, exc.raw_line)
    except (RecursionError, ValueError, MemoryError) as exc:
        return Unparsable(f"{type(exc).__name__}: {exc}")


def decorator_names(node: cst.FunctionDef | cst.ClassDef) -> list[str]:
    return [code(d.decorator, 60) for d in node.decorators]


def _walk_defs(node: cst.CSTNode, stack: list[tuple[str, bool]], out: list[tuple[cst.CSTNode, str, list[tuple[str, bool]]]]) -> None:
    # Statements only: defs live in bodies of compound statements, never inside expressions.
    for child in node.children:
        if isinstance(child, (cst.FunctionDef, cst.ClassDef)):
            qual = ".".join([n for n, _ in stack] + [child.name.value])
            out.append((child, qual, stack))
            _walk_defs(child, [*stack, (child.name.value, isinstance(child, cst.ClassDef))], out)
        elif isinstance(child, (cst.BaseCompoundStatement, cst.BaseSuite, _BLOCKS)):
            _walk_defs(child, stack, out)


def _ast_lines(text: str) -> list[tuple[str, int, int, int]] | None:
    """(qualname, first line incl. decorators, last line, def line) of every def, in libcst's order; None when the
    interpreter cannot parse the text."""
    tree = _source.parse_python(text)
    if isinstance(tree, SyntaxError):
        return None
    return [(q, start, end, line) for q, start, end, line, _ in _source.ast_defs(tree)]


def defs(p: Parsed) -> list[Def]:
    """Every function, method and class with its span (decorators included; a class's span has its nested defs
    as holes, so it is compared by its own lines)."""
    found: list[tuple[cst.CSTNode, str, list[tuple[str, bool]]]] = []
    _walk_defs(p.module, [], found)
    lines = _ast_lines(p.text)
    if lines is None or [q for q, *_ in lines] != [q for _, q, _ in found]:
        pos = p.resolve_positions()

        def rng(n: cst.CSTNode) -> tuple[int, int]:
            r = pos[n]
            return r.start.line, r.end.line  # type: ignore[attr-defined]

        lines = []
        for node, qual, _ in found:
            assert isinstance(node, (cst.FunctionDef, cst.ClassDef))
            start, end = rng(node)
            first = min([start, *(rng(d)[0] for d in node.decorators)])
            lines.append((qual, first, end, rng(node.name)[0]))
    span_of = {id(node): (start, end) for (node, _, _), (_, start, end, _) in zip(found, lines)}
    out: list[Def] = []
    for (node, qual, stack), (_, start, end, def_line) in zip(found, lines):
        assert isinstance(node, (cst.FunctionDef, cst.ClassDef))
        cls = stack[-1][0] if stack and stack[-1][1] else None
        if isinstance(node, cst.ClassDef):
            kind = "class"
            holes = tuple(span_of[id(s)] for s in body_statements(node) if id(s) in span_of)
        else:
            decos = {d.split("(")[0].rsplit(".", 1)[-1] for d in decorator_names(node)}
            kind = "function" if not cls else next((k for k in ("staticmethod", "classmethod") if k in decos), "method")
            holes = ()
        out.append(Def(qual, node, _changes.Span(qual, start, end, holes=holes), def_line, cls, kind))
    return out


def body_statements(node: cst.ClassDef) -> Sequence[cst.CSTNode]:
    body = node.body
    return body.body if isinstance(body, cst.IndentedBlock) else ()


_NONE = cst.Name("None")


def _bindings_only(stmt: cst.BaseSmallStatement) -> cst.BaseSmallStatement | None:
    """A module- or class-level statement reduced to the names it binds: assigned values become ``None`` (big
    literal tables cost scope analysis time and bind nothing), bare expressions go."""
    if isinstance(stmt, cst.Assign):
        return stmt.with_changes(value=_NONE)
    if isinstance(stmt, cst.AnnAssign):
        return stmt.with_changes(value=_NONE if stmt.value is not None else None, annotation=cst.Annotation(_NONE))
    if isinstance(stmt, cst.AugAssign):
        return stmt.with_changes(value=_NONE)
    if isinstance(stmt, cst.Expr):
        return None
    return stmt


_PASS = cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Pass()])])


def resolve_scopes(p: Parsed, touched: Collection[Def], all_defs: Sequence[Def]) -> None:
    """Scope metadata for the touched defs, computed on a skeleton of the module (see the module docstring)."""
    if not touched:
        return
    keep = {id(d.node) for d in touched}
    # the classes and functions enclosing a touched def must stay too (shrunk, for classes)
    by_qual = {d.qualname: d for d in all_defs}
    for d in touched:
        parts = d.qualname.split(".")
        for i in range(1, len(parts)):
            outer = by_qual.get(".".join(parts[:i]))
            if outer is not None:
                keep.add(id(outer.node))

    whole = {id(d.node) for d in touched}

    def shrink(statements: Sequence[cst.CSTNode]) -> list[cst.CSTNode]:
        out: list[cst.CSTNode] = []
        for s in statements:
            if isinstance(s, cst.ClassDef) and id(s) in keep and id(s) not in whole:
                if isinstance(s.body, cst.IndentedBlock):
                    out.append(s.with_changes(body=s.body.with_changes(body=shrink(s.body.body) or _PASS.body)))
                else:
                    out.append(s)
            elif isinstance(s, (cst.FunctionDef, cst.ClassDef)) and id(s) not in keep:
                out.append(s.with_changes(body=_PASS, decorators=()))  # the name stays bound; nothing else
            elif isinstance(s, cst.SimpleStatementLine):
                small = [x for x in (_bindings_only(x) for x in s.body) if x is not None]
                if small:
                    out.append(s.with_changes(body=small))
            else:
                out.append(s)
        return out

    skeleton = p.module.with_changes(body=shrink(p.module.body))
    try:
        p.scopes = MetadataWrapper(skeleton, unsafe_skip_copy=True).resolve(ScopeProvider)
    except RecursionError:
        p.scopes = {}

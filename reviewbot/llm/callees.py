"""What the changed lines call, defined in the same file: the definitions a reviewer would look up.

A comment about a call ("this returns None when ...", "the second argument is the timeout, not the retries") needs
the callee's signature and contract, which the diff usually does not show. For every call on an added line whose
callee is a function of the same module (``name(...)``) or a method of the enclosing class (``self.name(...)``,
``cls.name(...)``), and whose definition is not already in the prompt, the prompt gets its signature, its first
docstring line, and what it returns and raises — one line each, at most ``limit`` of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from reviewbot.llm.context import FileContext, signature_text

MAX_CALLEES = 8
_EMPTY = cst.Module(body=[])


@dataclass(frozen=True)
class Callee:
    qualname: str
    line: int
    signature: str
    doc: str  # first line of the docstring ("" when none)
    returns: tuple[str, ...]  # expressions of its return statements (distinct, shortened)
    raises: tuple[str, ...]  # exception classes it raises itself


def _short(code: str, limit: int = 60) -> str:
    code = " ".join(code.split())
    return code if len(code) <= limit else code[: limit - 3] + "..."


class _Body(cst.CSTVisitor):
    """Return and raise statements of one function body (nested defs excluded)."""

    def __init__(self) -> None:
        super().__init__()
        self.returns: list[str] = []
        self.raises: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        self.returns.append(_short(_EMPTY.code_for_node(node.value)) if node.value is not None else "None")

    def visit_Raise(self, node: cst.Raise) -> None:
        exc = node.exc
        if isinstance(exc, cst.Call):
            exc = exc.func
        if exc is not None:
            self.raises.append(_short(_EMPTY.code_for_node(exc), 40))


class _Scan(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, lines: set[int]) -> None:
        super().__init__()
        self.lines = lines
        self.stack: list[tuple[str, str]] = []  # (kind, name)
        self.defs: dict[str, tuple[int, cst.FunctionDef]] = {}
        self.calls: list[tuple[str, str]] = []  # (qualname to look up, how it was called)

    def _owner_class(self) -> str | None:
        names = [n for _, n in self.stack]
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == "class":
                return ".".join(names[: i + 1])
        return None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.stack.append(("class", node.name.value))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        qualname = ".".join([*(n for _, n in self.stack), node.name.value])
        self.defs.setdefault(qualname, (self.get_metadata(PositionProvider, node).start.line, node))
        self.stack.append(("def", node.name.value))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.stack.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if self.get_metadata(PositionProvider, node).start.line not in self.lines:
            return
        func = node.func
        if isinstance(func, cst.Name):
            self.calls.append((func.value, func.value))
        elif (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value in ("self", "cls")
        ):
            owner = self._owner_class()
            if owner:
                self.calls.append((f"{owner}.{func.attr.value}", f"{func.value.value}.{func.attr.value}"))


def _docline(node: cst.FunctionDef) -> str:
    doc = node.get_docstring()
    return _short(doc.strip().splitlines()[0], 100) if doc and doc.strip() else ""


def callees(ctx: FileContext, *, exclude: Iterable[tuple[int, int]] = (), limit: int = MAX_CALLEES) -> tuple[Callee, ...]:
    """Definitions in ``ctx``'s file of what its added lines call; those starting inside ``exclude`` (line spans
    already shown in the prompt) are left out."""
    if ctx.parse_error or not ctx.added_lines:
        return ()
    try:
        wrapper = MetadataWrapper(cst.parse_module(ctx.text), unsafe_skip_copy=True)
    except cst.ParserSyntaxError:
        return ()
    scan = _Scan(set(ctx.added_lines))
    wrapper.visit(scan)
    shown = [*exclude, *ctx.hunk_ranges, *((f.start, f.end) for f in ctx.functions)]
    out: list[Callee] = []
    seen: set[str] = set()
    for qualname, _ in scan.calls:
        if qualname in seen or qualname not in scan.defs:
            continue
        seen.add(qualname)
        line, node = scan.defs[qualname]
        if any(lo <= line <= hi for lo, hi in shown):
            continue
        body = _Body()
        node.body.visit(body)
        out.append(Callee(qualname, line, signature_text(node), _docline(node),
                          tuple(dict.fromkeys(body.returns))[:3], tuple(dict.fromkeys(body.raises))[:3]))
        if len(out) >= limit:
            break
    return tuple(out)


def callee_lines(found: Iterable[Callee]) -> list[str]:
    out = []
    for c in found:
        parts = [f"- {c.qualname} (line {c.line}): {c.signature}"]
        if c.doc:
            parts.append(f'"{c.doc}"')
        if c.returns:
            parts.append("returns " + ", ".join(c.returns))
        if c.raises:
            parts.append("raises " + ", ".join(c.raises))
        out.append("; ".join(parts))
    return out

"""What a prompt shows about one changed file: its hunks, and each changed function located with libcst (not by
regex) — full post-image source, signature before and after — plus the call sites, among the changed files, of
functions whose signature changed. Analyzer evidence (findings, facts, metrics) is attached in ``prompting``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from reviewbot.models import SourceFile
from reviewbot.diff import ChangedFile, Hunk

MAX_FUNCTION_LINES = 200


@dataclass(frozen=True)
class Function:
    qualname: str
    start: int  # first line, decorators included (1-based, post-image)
    end: int
    signature: str  # "def f(a, b=1) -> int" (after the change)
    signature_before: str | None  # None: the function is new (or the pre-image is unknown)

    @property
    def signature_changed(self) -> bool:
        return self.signature_before is not None and self.signature_before != self.signature


@dataclass(frozen=True)
class CallSite:
    path: str
    line: int
    code: str
    callee: str  # qualname of the changed function


@dataclass(frozen=True)
class FileContext:
    path: str
    status: str
    text: str
    hunks: tuple[Hunk, ...]
    hunk_ranges: tuple[tuple[int, int], ...]
    added_lines: frozenset[int]
    functions: tuple[Function, ...]
    parse_error: str = ""

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def in_diff(self, start: int, end: int) -> bool:
        """Are lines ``start..end`` all inside one hunk of the new file?"""
        return any(lo <= start and end <= hi for lo, hi in self.hunk_ranges)


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: list[tuple[str, int, int, cst.FunctionDef]] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        pos = self.get_metadata(PositionProvider, node)
        start = min(
            [pos.start.line, *(self.get_metadata(PositionProvider, d).start.line for d in node.decorators)]
        )
        qualname = ".".join([*self.stack, node.name.value])
        self.found.append((qualname, start, pos.end.line, node))
        self.stack.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.stack.pop()


def _functions(text: str) -> list[tuple[str, int, int, cst.FunctionDef]]:
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    collector = _Collector()
    wrapper.visit(collector)
    return collector.found


_EMPTY = cst.Module(body=[])


def signature_of(node: cst.FunctionDef) -> str:
    header = node.with_changes(
        body=cst.SimpleStatementSuite(body=[cst.Expr(cst.Ellipsis())]), decorators=(), leading_lines=()
    )
    code = _EMPTY.code_for_node(header).strip()
    if code.endswith("..."):
        code = code[: -len("...")].rstrip()
    if code.endswith(":"):
        code = code[:-1]
    return " ".join(code.split()).replace("( ", "(").replace(" )", ")").replace(",)", ")")


def touched_lines(hunks: Iterable[Hunk]) -> set[int]:
    """New-file lines a hunk added, plus the line after each deletion (so a pure deletion touches its function)."""
    out: set[int] = set()
    for h in hunks:
        n = h.target_start
        for kind, _ in h.lines:
            if kind == "+":
                out.add(n)
            elif kind == "-":
                out.add(max(1, n))
            if kind != "-":
                n += 1
    return out


def changed_functions(text: str, before: str | None, touched: set[int]) -> tuple[Function, ...]:
    """The outermost functions of ``text`` that contain a touched line (a nested changed function is shown as
    part of its enclosing one). Raises libcst.ParserSyntaxError when ``text`` does not parse."""
    before_sigs: dict[str, str] = {}
    if before is not None:
        try:
            before_sigs = {q: signature_of(node) for q, _, _, node in _functions(before)}
        except cst.ParserSyntaxError:
            before_sigs = {}
    hits = [
        (q, start, end, node)
        for q, start, end, node in _functions(text)
        if any(start <= n <= end for n in touched)
    ]
    out: list[Function] = []
    for q, start, end, node in hits:
        if any(o.start <= start and end <= o.end for o in out):
            continue
        out.append(
            Function(q, start, end, signature_of(node), before_sigs.get(q) if before is not None else None)
        )
    return tuple(out)


def file_context(sf: SourceFile, changed: ChangedFile | None) -> FileContext:
    hunks = changed.hunks if changed is not None else ()
    status = changed.status.value if changed is not None else "modified"
    touched = touched_lines(hunks) if hunks else set(sf.added_lines)
    try:
        functions = changed_functions(sf.text, sf.before, touched)
        error = ""
    except cst.ParserSyntaxError as exc:
        functions = ()
        error = f"does not parse ({exc.message} at line {exc.raw_line})"
    return FileContext(sf.path, status, sf.text, hunks, sf.hunks, sf.added_lines, functions, error)


class _Calls(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names
        self.hits: list[tuple[str, int]] = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        name = (
            func.value
            if isinstance(func, cst.Name)
            else func.attr.value
            if isinstance(func, cst.Attribute)
            else ""
        )
        if name in self.names:
            self.hits.append((name, self.get_metadata(PositionProvider, node).start.line))


def call_sites(contexts: Sequence[FileContext], limit: int = 20) -> tuple[CallSite, ...]:
    """Calls, in the changed files, of the functions whose signature changed (by simple name)."""
    changed = {
        f.qualname.rsplit(".", 1)[-1]: f.qualname
        for c in contexts
        for f in c.functions
        if f.signature_changed
    }
    if not changed:
        return ()
    out: list[CallSite] = []
    for ctx in contexts:
        if ctx.parse_error or not any(name in ctx.text for name in changed):
            continue
        visitor = _Calls(set(changed))
        MetadataWrapper(cst.parse_module(ctx.text), unsafe_skip_copy=True).visit(visitor)
        lines = ctx.lines
        for name, line in visitor.hits:
            code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            out.append(CallSite(ctx.path, line, code, changed[name]))
    return tuple(sorted(out, key=lambda c: (c.path, c.line))[:limit])

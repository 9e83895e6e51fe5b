"""Imports and call sites of one file (``ast`` fast path, libcst fallback): the call-site half of the facts analyzer.

Candidate files are found with ``git grep -w`` first; only files that mention a changed name are parsed (libcst,
no metadata unless a call is flagged and needs its line). Whether a call still binds is ``_signatures.misfit``.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

import libcst as cst

from reviewbot.analyzers import _source
from reviewbot.analyzers._signatures import CallShape, code

# --- imports: which local names refer to which module ---------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    module: tuple[str, ...]  # resolved module path components (relative imports resolved against the file)
    attr: str | None  # the imported attribute (``from m import attr``), None for ``import m``
    absolute: bool  # False when resolved from a relative import (an exact path, not a suffix)


def module_parts(path: str) -> tuple[str, ...]:
    """``src/pkg/mod.py`` -> ('src', 'pkg', 'mod'); ``pkg/__init__.py`` -> ('pkg',)."""
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return tuple(parts)


def imports(module: cst.Module, path: str) -> dict[str, list[Imported]]:
    """local name -> what it may refer to, from every import in the file (function-level ones too)."""
    here = module_parts(path)
    package = here if path.endswith("__init__.py") else here[:-1]
    out: dict[str, list[Imported]] = {}

    class Visitor(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            for alias in node.names:
                dotted = tuple(code(alias.name).split("."))
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    out.setdefault(alias.asname.name.value, []).append(Imported(dotted, None, True))
                else:  # ``import a.b`` binds ``a``; the dotted access is resolved by the caller
                    out.setdefault(dotted[0], []).append(Imported(dotted, None, True))

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            level = len(node.relative)
            mod = tuple(code(node.module).split(".")) if node.module is not None else ()
            if level:
                base = package[: len(package) - (level - 1)] if level - 1 <= len(package) else ()
                mod = base + mod
            if isinstance(node.names, cst.ImportStar):
                out.setdefault("*", []).append(Imported(mod, "*", not level))
                return
            for alias in node.names:
                name = code(alias.name)
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
                out.setdefault(local, []).append(Imported(mod, name, not level))

    module.visit(Visitor())
    return out


def same_module(candidate: tuple[str, ...], absolute: bool, target: tuple[str, ...]) -> bool:
    """Whether an imported module path names ``target`` (a repo path): exactly for relative imports, as a
    suffix for absolute ones (``pkg.mod`` is ``src/pkg/mod.py``)."""
    if not candidate:
        return False
    if not absolute:
        return candidate == target
    return len(candidate) <= len(target) and target[len(target) - len(candidate) :] == candidate


def dotted(node: cst.BaseExpression) -> list[str] | None:
    """``a.b.c`` -> ['a', 'b', 'c']; None for anything that is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return parts[::-1]


@dataclass(frozen=True)
class Site:
    """A call and where it sits. ``parts``: the callee as a dotted name (None when it is not one); ``callee``: its
    last name; ``symbol``: the enclosing def's qualified name; ``cls``/``bases``: the enclosing class and the last
    components of its bases (``class C(pkg.Base)`` -> ('C', ('Base',)))."""

    parts: tuple[str, ...] | None
    callee: str
    super_init: bool  # super().__init__(...)
    shape: CallShape
    line: int
    end_line: int
    code: str
    symbol: str
    cls: str | None
    bases: tuple[str, ...]


def scan(path: str, text: str, module: cst.Module | None = None) -> tuple[dict[str, list[Imported]], list[Site]] | None:
    """The imports and calls of a file: with the interpreter's ``ast`` when it parses the text (fast, and lines
    come free), else with libcst (``module``, or parsed here); None when neither can parse it."""
    tree = _parse_ast(text)
    if tree is not None:
        return _imports_ast(tree, path), _sites_ast(tree, text)
    if module is None:
        try:
            module = cst.parse_module(text)
        except Exception:  # noqa: BLE001 - ParserSyntaxError, RecursionError
            return None
    return imports(module, path), _sites_cst(module)


def _parse_ast(text: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def _imports_ast(tree: ast.Module, path: str) -> dict[str, list[Imported]]:
    here = module_parts(path)
    package = here if path.endswith("__init__.py") else here[:-1]
    out: dict[str, list[Imported]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = tuple(alias.name.split("."))
                out.setdefault(alias.asname or parts[0], []).append(Imported(parts, None, True))
        elif isinstance(node, ast.ImportFrom):
            level = node.level or 0
            mod = tuple(node.module.split(".")) if node.module else ()
            if level:
                base = package[: len(package) - (level - 1)] if level - 1 <= len(package) else ()
                mod = base + mod
            for alias in node.names:
                if alias.name == "*":
                    out.setdefault("*", []).append(Imported(mod, "*", not level))
                else:
                    out.setdefault(alias.asname or alias.name, []).append(Imported(mod, alias.name, not level))
    return out


def _dotted_ast(node: ast.expr) -> tuple[str, ...] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return tuple(reversed(parts))


def _sites_ast(tree: ast.Module, text: str) -> list[Site]:
    out: list[Site] = []
    lines = text.splitlines()

    def source(node: ast.Call) -> str:
        end = node.end_lineno or node.lineno
        if end == node.lineno:
            segment = lines[node.lineno - 1][node.col_offset : node.end_col_offset]
        else:
            first = lines[node.lineno - 1][node.col_offset :]
            segment = " ".join([first, *lines[node.lineno : end - 1], lines[end - 1][: node.end_col_offset]])
        segment = " ".join(segment.split())
        return segment if len(segment) <= 100 else segment[:97] + "..."

    def walk(node: ast.AST, stack: list[tuple[str, tuple[str, ...] | None]]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for sub in (*child.decorator_list, child.args, *([child.returns] if child.returns else [])):
                    walk_expr(sub, stack)
                walk(ast.Module(body=child.body, type_ignores=[]), [*stack, (child.name, None)])
                continue
            if isinstance(child, ast.ClassDef):
                for sub in (*child.decorator_list, *child.bases, *child.keywords):
                    walk_expr(sub, stack)
                bases = tuple((_dotted_ast(b) or ("",))[-1] for b in child.bases)
                walk(ast.Module(body=child.body, type_ignores=[]), [*stack, (child.name, bases)])
                continue
            if isinstance(child, ast.Call):
                add(child, stack)
            walk(child, stack)

    def walk_expr(node: ast.AST, stack: list[tuple[str, tuple[str, ...] | None]]) -> None:
        if isinstance(node, ast.Call):
            add(node, stack)
        walk(node, stack)

    def add(call: ast.Call, stack: list[tuple[str, tuple[str, ...] | None]]) -> None:
        func = call.func
        parts = _dotted_ast(func)
        callee = _source.last_name(func)
        super_init = (
            isinstance(func, ast.Attribute)
            and func.attr == "__init__"
            and isinstance(func.value, ast.Call)
            and _dotted_ast(func.value.func) == ("super",)
        )
        shape = CallShape(
            sum(1 for a in call.args if not isinstance(a, ast.Starred)),
            tuple(k.arg for k in call.keywords if k.arg is not None),
            any(isinstance(a, ast.Starred) for a in call.args),
            any(k.arg is None for k in call.keywords),
        )
        cls = next(((n, b) for n, b in reversed(stack) if b is not None), None)
        symbol = ".".join(n for n, _ in stack)
        end = call.end_lineno or call.lineno
        out.append(Site(parts, callee, super_init, shape, call.lineno, end, source(call), symbol,
                        cls[0] if cls else None, cls[1] if cls else ()))

    walk(tree, [])
    return out


def _sites_cst(module: cst.Module) -> list[Site]:
    from libcst.metadata import MetadataWrapper, PositionProvider

    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    found: list[Site] = []

    class Visitor(cst.CSTVisitor):
        def __init__(self) -> None:
            self.stack: list[tuple[str, tuple[str, ...] | None]] = []  # (name, bases when a class)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.stack.append((node.name.value, None))

        def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
            self.stack.pop()

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            bases = tuple((dotted(b.value) or [""])[-1] for b in node.bases)
            self.stack.append((node.name.value, bases))

        def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
            self.stack.pop()

        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            parts = dotted(func)
            callee = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else ""
            super_init = (
                isinstance(func, cst.Attribute)
                and func.attr.value == "__init__"
                and isinstance(func.value, cst.Call)
                and dotted(func.value.func) == ["super"]
            )
            rng = positions[node]
            cls = next(((n, b) for n, b in reversed(self.stack) if b is not None), None)
            symbol = ".".join(n for n, _ in self.stack)
            found.append(
                Site(
                    tuple(parts) if parts else None, callee, super_init, CallShape.of(node),
                    rng.start.line, rng.end.line, code(node, 100), symbol, cls[0] if cls else None,
                    cls[1] if cls else (),
                )
            )

    module.visit(Visitor())
    return found

"""Small helpers the adapters share: where a file's post-image lives, whether the running interpreter can parse it
(and if not, why, in words the summary can show), and the enclosing function of a line."""

from __future__ import annotations

import ast
import bisect
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewbot.analyzers.base import SourceFile

from reviewbot.models import line_span

RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"


def last_name(node: ast.expr) -> str:
    """The name an expression ends with: ``loads`` of ``pickle.loads`` or of ``loads``; '' for anything else (a call's
    callee, a loader class)."""
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def parse_python(text: str) -> ast.Module | SyntaxError:
    """``ast.parse`` under the running interpreter, quietly (invalid escapes warn; tests make warnings errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except SyntaxError as exc:
            return exc
        except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
            err = SyntaxError(str(exc) or type(exc).__name__)
            err.lineno = 1
            return err


def newer_syntax(text: str) -> tuple[str, str] | None:
    """When libcst parses ``text``: the newest Python feature it uses, as (version, feature); ("", "") when
    none is recognised. None when libcst cannot parse it either (a real syntax error)."""
    import libcst as cst

    try:
        module = cst.parse_module(text)
    except Exception:  # noqa: BLE001 - libcst raises ParserSyntaxError, but also RecursionError, ValueError
        return None
    found: list[tuple[tuple[int, int], str]] = []

    class Finder(cst.CSTVisitor):
        def visit_Match(self, node: cst.Match) -> None:
            found.append(((3, 10), "match statement"))

        def visit_TryStar(self, node: cst.TryStar) -> None:
            found.append(((3, 11), "except*"))

        def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
            found.append(((3, 12), "type alias statement (PEP 695)"))

        def visit_TypeParameters(self, node: cst.TypeParameters) -> None:
            found.append(((3, 12), "type parameters (PEP 695)"))
            if any(p.default is not None for p in node.params):
                found.append(((3, 13), "type parameter defaults (PEP 696)"))

        def visit_FormattedString(self, node: cst.FormattedString) -> None:
            quote = node.end
            for part in node.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    inner = cst.Module(body=[]).code_for_node(part.expression)
                    if quote in inner or "\\" in inner or ("\n" in inner and len(quote) == 1) or "#" in inner:
                        found.append(((3, 12), "f-string syntax of PEP 701"))

        def visit_TemplatedString(self, node: cst.CSTNode) -> None:
            found.append(((3, 14), "template string (PEP 750)"))

        def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
            if isinstance(node.type, cst.Tuple) and not node.type.lpar:
                found.append(((3, 14), "except without parentheses (PEP 758)"))

    try:
        module.visit(Finder())
    except RecursionError:
        return ("", "")
    if not found:
        return ("", "")
    version, feature = max(found)
    return f"{version[0]}.{version[1]}", feature


def unparsable_note(tool: str, path: str, text: str, error: SyntaxError) -> str:
    """The note for a file the running interpreter cannot parse: newer syntax (say so) or a real syntax error."""
    newer = newer_syntax(text)
    if newer is None:
        where = f" at line {error.lineno}" if error.lineno else ""
        return f"{path}: syntax error{where}: {error.msg}; {tool} skipped it"
    version, feature = newer
    if version and tuple(int(p) for p in version.split(".")) > sys.version_info[:2]:
        return (
            f"{path}: parsed with libcst, but {tool} could not parse it under Python {RUNNING} "
            f"(it uses {feature}); run reviewbot on Python >= {version}"
        )
    return (
        f"{path}: parsed with libcst, but {tool} could not parse it under Python {RUNNING} "
        f"({error.msg}); run reviewbot on a newer Python"
    )


@dataclass(frozen=True)
class Target:
    """A file handed to a tool: its SourceFile and the post-image on disk."""

    source: SourceFile
    disk: Path


def targets(files: Sequence[SourceFile], workdir: Path, tool: str) -> tuple[list[Target], list[str]]:
    """The post-images that exist under ``workdir`` as regular files, and notes for those that do not."""
    out: list[Target] = []
    notes: list[str] = []
    for sf in files:
        disk = workdir.absolute() / sf.path
        if disk.is_symlink() or not disk.is_file():
            notes.append(f"{sf.path}: post-image missing from the work tree; {tool} skipped it")
            continue
        out.append(Target(sf, disk))
    return out, notes


def parsable(items: Sequence[Target], tool: str) -> tuple[list[Target], list[str]]:
    """The targets the running interpreter can parse (bandit, pylint and radon use its ``ast``), and notes."""
    ok: list[Target] = []
    notes: list[str] = []
    for t in items:
        result = parse_python(t.source.text)
        if isinstance(result, SyntaxError):
            notes.append(unparsable_note(tool, t.source.path, t.source.text, result))
        else:
            ok.append(t)
    return ok, notes


def ast_defs(tree: ast.Module) -> list[tuple[str, int, int, int, bool]]:
    """(qualified name, first line with decorators, last line, def line, is a class) of every def, in source
    order, parents before children (the order libcst's statements give too)."""
    out: list[tuple[str, int, int, int, bool]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                start = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                end = child.end_lineno or child.lineno
                out.append((prefix + child.name, start, end, child.lineno, isinstance(child, ast.ClassDef)))
                walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                walk(child, prefix)

    walk(tree, "")
    return out


def symbol_finder(text: str, tree: ast.Module | SyntaxError | None = None) -> Callable[[int], str]:
    """line -> qualified name of the innermost def/class enclosing it ("" at module level or if unparsable).
    ``tree``: ``text`` already parsed with ``parse_python``, if the caller has it."""
    if tree is None:
        tree = parse_python(text)
    if isinstance(tree, SyntaxError):
        return lambda _line: ""
    # (start, end, depth, name); defs live in statement bodies only, so ast_defs never walks an expression
    spans = sorted((start, end, name.count("."), name) for name, start, end, _line, _cls in ast_defs(tree))
    starts = [s[0] for s in spans]

    def find(line: int) -> str:
        best = ""
        best_depth = -1
        for i in range(bisect.bisect_right(starts, line) - 1, -1, -1):
            start, end, depth, name = spans[i]
            if start <= line <= end and depth > best_depth:
                best, best_depth = name, depth
        return best

    return find


class Symbols:
    """Enclosing-symbol lookups for many findings, one parse per file."""

    def __init__(self) -> None:
        self._finders: dict[str, Callable[[int], str]] = {}

    def prime(self, sf: SourceFile, tree: ast.Module | SyntaxError) -> None:
        """Use ``tree`` (``sf.text`` parsed with ``parse_python``) instead of parsing the file again."""
        self._finders[sf.path] = symbol_finder(sf.text, tree)

    def __call__(self, sf: SourceFile, line: int) -> str:
        finder = self._finders.get(sf.path)
        if finder is None:
            finder = self._finders[sf.path] = symbol_finder(sf.text)
        return finder(line)


def timed_out(seconds: float, count: int, what: str = "file") -> str:
    """The error text for a tool that overran: 'timed out after 60 s on 2 files'."""
    return f"timed out after {seconds:g} s on {count} {what}{'' if count == 1 else 's'}"


def code_at(text: str, line: int, end_line: int) -> str:
    """The post-image text of lines ``line``..``end_line`` (for fingerprints)."""
    return line_span(text, line, end_line)


def path_map(items: Sequence[Target]) -> dict[str, SourceFile]:
    """Every spelling a tool may report for a target (as given, resolved) -> its SourceFile."""
    out: dict[str, SourceFile] = {}
    for t in items:
        out[str(t.disk)] = t.source
        try:
            out[str(t.disk.resolve())] = t.source
        except OSError:
            pass
    return out
